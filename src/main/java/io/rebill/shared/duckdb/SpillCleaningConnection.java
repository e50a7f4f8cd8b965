package io.rebill.shared.duckdb;

import io.rebill.shared.io.Trees;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/** Removes a job's spill folder when its connection closes, so temp space never piles up. */
final class SpillCleaningConnection implements InvocationHandler {
    private final Connection delegate;
    private final SpillFolders.Owned spill;

    SpillCleaningConnection(Connection delegate, SpillFolders.Owned spill) {
        this.delegate = delegate;
        this.spill = spill;
    }

    Connection proxy() {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[]{Connection.class}, this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        try {
            Object result = method.invoke(delegate, args);
            if (method.getName().equals("close")) {
                try {
                    Trees.delete(spill.folder());
                } finally {
                    spill.release();
                }
            }
            return result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

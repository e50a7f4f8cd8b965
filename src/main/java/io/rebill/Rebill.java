package io.rebill;

public final class Rebill {
    public static void main(String[] args) {
        System.out.println("rebill");
    }
}

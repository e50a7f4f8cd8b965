package io.rebill.web.api;

import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.util.Set;
import java.util.TreeSet;

/**
 * The application's /api/v1 routes as "METHOD /path/{var}", read from every RequestMappingHandlerMapping of the
 * running context: what the OpenAPI document and the security matrix must both name.
 */
final class ApiRoutes {
    static final String PREFIX = "/api/v1/";

    private ApiRoutes() {
    }

    static Set<String> of(ApplicationContext context) {
        Set<String> routes = new TreeSet<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                for (String pattern : info.getPatternValues()) {
                    if (!pattern.startsWith(PREFIX)) {
                        continue;
                    }
                    Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                    if (methods.isEmpty()) {
                        // a mapping without a method answers every method; the document cannot describe that
                        routes.add("ANY " + pattern);
                    }
                    methods.forEach(m -> routes.add(m.name() + " " + pattern));
                }
            }
        }
        return routes;
    }
}

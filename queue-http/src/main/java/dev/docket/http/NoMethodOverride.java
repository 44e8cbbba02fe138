package dev.docket.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;

/**
 * Hides the method-override headers from everything behind it. Javalin takes the method of a
 * request from {@code X-HTTP-Method-Override} when one is sent, so a GET or HEAD with that header,
 * which browsers, caches and proxies treat as safe, would route as a DELETE or a POST. A change is
 * a POST or DELETE on the wire, nothing else: the method is the request line's. Thread-safe.
 */
final class NoMethodOverride implements Filter {
  static final Set<String> HEADERS =
      Set.of("x-http-method-override", "x-http-method", "x-method-override");

  static void install(ServletContextHandler handler) {
    handler.addFilter(
        new FilterHolder(new NoMethodOverride()), "/*", EnumSet.allOf(DispatcherType.class));
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest http && hasOverride(http)) {
      request = new Hidden(http);
    }
    chain.doFilter(request, response);
  }

  private static boolean hasOverride(HttpServletRequest request) {
    for (String header : HEADERS) {
      if (request.getHeader(header) != null) {
        return true;
      }
    }
    return false;
  }

  private static boolean hidden(String name) {
    return name != null && HEADERS.contains(name.toLowerCase(Locale.ROOT));
  }

  private static final class Hidden extends HttpServletRequestWrapper {
    Hidden(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getHeader(String name) {
      return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      return Collections.enumeration(
          Collections.list(super.getHeaderNames()).stream().filter(n -> !hidden(n)).toList());
    }
  }
}

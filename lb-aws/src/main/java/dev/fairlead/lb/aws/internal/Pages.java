package dev.fairlead.lb.aws.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Every page of a paginated AWS read, following the next-page token. */
final class Pages {
  private Pages() {}

  /**
   * Reads all pages.
   *
   * @param call one call, given the token of the page (null for the first)
   * @param items the items of a response
   * @param next the next-page token of a response, null or empty on the last page
   * @param <R> the response type
   * @param <T> the item type
   * @return the items of every page, in order
   */
  static <R, T> List<T> all(
      Function<String, R> call, Function<R, List<T>> items, Function<R, String> next) {
    List<T> all = new ArrayList<>();
    String token = null;
    do {
      R page = call.apply(token);
      all.addAll(items.apply(page));
      token = next.apply(page);
    } while (token != null && !token.isEmpty());
    return all;
  }
}

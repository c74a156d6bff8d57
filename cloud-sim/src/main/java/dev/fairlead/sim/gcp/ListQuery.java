package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code filter}, {@code maxResults} and {@code pageToken} parameters of Compute list calls.
 *
 * <p>Filters as the API documents them: {@code field = value}, {@code field != value} (exact, with
 * {@code *} as wildcard), {@code field eq regex}, {@code field ne regex} (RE2, the whole value must
 * match), {@code field:value} (has), values bare or quoted, nested fields with dots
 * ({@code labels.env}), terms joined with {@code AND}, {@code OR} or simply side by side in
 * parentheses ({@code (a = 1) (b = 2)}). Anything else is a 400, as the real API answers.
 *
 * @param filter the matcher
 * @param maxResults the page size, 1 to 500
 * @param offset where this page starts
 */
record ListQuery(Predicate<JsonNode> filter, int maxResults, int offset) {
  private static final Pattern TERM =
      Pattern.compile("\\s*([A-Za-z][A-Za-z0-9_.]*)\\s*(!=|=|:|\\beq\\b|\\bne\\b)\\s*(\"[^\"]*\"|'[^']*'|[^\\s()]+)\\s*");

  static ListQuery parse(Map<String, String> params) {
    int max = 500;
    String raw = params.get("maxResults");
    if (raw != null) {
      try {
        max = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw ComputeError.invalid("maxResults", "'" + raw + "' is not a number");
      }
      if (max < 0 || max > 500) {
        throw ComputeError.invalid("maxResults", "must be between 0 and 500");
      }
      if (max == 0) {
        max = 500;
      }
    }
    int offset = 0;
    String token = params.get("pageToken");
    if (token != null && !token.isEmpty()) {
      try {
        offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ComputeError.invalid("pageToken", "'" + token + "' is not a page token of this list");
      }
    }
    String filter = params.get("filter");
    Predicate<JsonNode> predicate = filter == null || filter.isBlank() ? r -> true : parseFilter(filter);
    return new ListQuery(predicate, max, offset);
  }

  /** One page of the matching resources, and the token of the next page if there is one. */
  record Page(List<ObjectNode> items, String nextPageToken) {}

  Page page(List<ObjectNode> all) {
    List<ObjectNode> matching = new ArrayList<>();
    for (ObjectNode r : all) {
      if (filter.test(r)) {
        matching.add(r);
      }
    }
    int end = Math.min(matching.size(), offset + maxResults);
    List<ObjectNode> items = offset >= matching.size() ? List.of() : matching.subList(offset, end);
    String next = end < matching.size()
        ? Base64.getUrlEncoder().withoutPadding().encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8))
        : null;
    return new Page(items, next);
  }

  static Predicate<JsonNode> parseFilter(String text) {
    String expr = text.strip();
    // OR binds looser than AND.
    List<String> alternatives = splitTopLevel(expr, "OR");
    if (alternatives.size() > 1) {
      List<Predicate<JsonNode>> ps = alternatives.stream().map(ListQuery::parseFilter).toList();
      return r -> ps.stream().anyMatch(p -> p.test(r));
    }
    List<String> conjuncts = splitTopLevel(expr, "AND");
    if (conjuncts.size() > 1) {
      List<Predicate<JsonNode>> ps = conjuncts.stream().map(ListQuery::parseFilter).toList();
      return r -> ps.stream().allMatch(p -> p.test(r));
    }
    List<String> groups = parenthesized(expr);
    if (groups.size() > 1) {
      List<Predicate<JsonNode>> ps = groups.stream().map(ListQuery::parseFilter).toList();
      return r -> ps.stream().allMatch(p -> p.test(r));
    }
    if (groups.size() == 1 && expr.startsWith("(") && expr.endsWith(")")) {
      return parseFilter(expr.substring(1, expr.length() - 1));
    }
    Matcher m = TERM.matcher(expr);
    if (!m.matches()) {
      throw ComputeError.invalid("filter", "Invalid list filter expression '" + text + "'.");
    }
    String field = m.group(1);
    String op = m.group(2);
    String value = unquote(m.group(3));
    return switch (op) {
      case "=" -> r -> wildcard(value).matcher(field(r, field)).matches();
      case "!=" -> r -> !wildcard(value).matcher(field(r, field)).matches();
      case ":" -> r -> field(r, field).contains(value);
      default -> {
        Pattern regex;
        try {
          regex = Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          throw ComputeError.invalid("filter", "Invalid regular expression '" + value + "'.");
        }
        boolean negate = op.equals("ne");
        yield r -> regex.matcher(field(r, field)).matches() != negate;
      }
    };
  }

  private static String field(JsonNode resource, String path) {
    JsonNode node = resource;
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node.isMissingNode() || node.isNull() ? "" : node.isValueNode() ? node.asText() : node.toString();
  }

  private static Pattern wildcard(String value) {
    StringBuilder b = new StringBuilder();
    for (String part : value.split("\\*", -1)) {
      if (!b.isEmpty()) {
        b.append(".*");
      }
      b.append(Pattern.quote(part));
    }
    return Pattern.compile(b.toString());
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** Splits at a keyword outside parentheses and quotes. */
  private static List<String> splitTopLevel(String expr, String keyword) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth == 0 && expr.startsWith(" " + keyword + " ", i)) {
        parts.add(expr.substring(start, i).strip());
        start = i + keyword.length() + 2;
        i = start - 1;
      }
    }
    parts.add(expr.substring(start).strip());
    return parts;
  }

  /** The top-level parenthesized groups of {@code (a) (b)}, or one element if there are none. */
  private static List<String> parenthesized(String expr) {
    List<String> groups = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = -1;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(') {
        if (depth++ == 0) {
          start = i;
        }
      } else if (c == ')') {
        if (--depth == 0) {
          groups.add(expr.substring(start + 1, i));
        }
      } else if (depth == 0 && !Character.isWhitespace(c)) {
        return List.of(expr);
      }
    }
    return groups.isEmpty() ? List.of(expr) : groups;
  }
}

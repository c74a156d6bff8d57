package dev.fairlead.controller.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairlead.lb.api.ProviderSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code --provider-config}: a YAML mapping, flattened into {@link ProviderSettings} (nested
 * keys joined with dots, list items as {@code key[i]}), so providers see one simple shape.
 */
public final class ProviderConfigFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ProviderConfigFile() {}

  /**
   * Reads and flattens a file.
   *
   * @param file the file
   * @return the settings
   * @throws CliException if the file cannot be read or is not a YAML mapping
   */
  public static ProviderSettings read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CliException("provider config " + file + " does not exist");
    } catch (IOException e) {
      throw new CliException("cannot read provider config " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /**
   * Parses YAML text.
   *
   * @param text the YAML
   * @param source where it came from, for messages
   * @return the settings
   * @throws CliException if it is not a YAML mapping
   */
  public static ProviderSettings parse(String text, String source) {
    if (text.isBlank()) {
      return ProviderSettings.empty();
    }
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new CliException("provider config " + source + " is not valid YAML" + where + ": "
          + CliException.oneLine(e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return ProviderSettings.empty();
    }
    if (!root.isObject()) {
      throw new CliException("provider config " + source + " must be a YAML mapping of settings");
    }
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("", root, flat);
    return ProviderSettings.of(flat);
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    if (node.isObject()) {
      node.properties().forEach(e ->
          flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + "[" + i + "]", node.get(i), into);
      }
    } else if (!node.isNull()) {
      into.put(prefix, node.asText());
    }
  }
}

#include "json-writer.h"

void
attest_json_add_string_member (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
attest_json_add_text_member (JsonBuilder *b, const char *name, GBytes *bytes)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  const char *data;

  json_builder_set_member_name (b, name);
  if (bytes == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  text = g_utf8_make_valid (data != NULL ? data : "", (gssize) len);
  json_builder_add_string_value (b, text);
}

GBytes *
attest_json_to_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  gsize len = 0;
  char *text;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  text = g_realloc (text, len + 2);
  text[len] = '\n';
  text[len + 1] = '\0';
  return g_bytes_new_take (text, len + 1);
}

void
attest_json_print (JsonNode *node)
{
  g_autoptr(GBytes) bytes = attest_json_to_bytes (node);

  g_print ("%s", (const char *) g_bytes_get_data (bytes, NULL));
}

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

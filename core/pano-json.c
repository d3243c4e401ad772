// SPDX-License-Identifier: GPL-3.0-or-later
/* A JSON reader that builds no tree: the text is checked once against RFC 8259 (with a depth
 * bound), then read in place through spans. The hub's ingest and the console's feed decoder
 * read tens of thousands of small objects a second; building and freeing a json-glib tree for
 * each, and printing parts of it back to text, was half of the machine's CPU at 20 000
 * updates/s. Raw member text (a geometry, a properties object) is passed on as it came. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-json.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

/* ---- checking ---- */

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  GError **error;
} Checker;

static gboolean
fail (Checker    *c,
      const char *what)
{
  g_set_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s at byte %" G_GSIZE_FORMAT,
               what, (gsize)(c->p - c->start));
  return FALSE;
}

static void
skip_space (const char **p,
            const char  *end)
{
  while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r'))
    (*p)++;
}

static gboolean
check_string (Checker *c)
{
  c->p++;   /* the opening quote */
  while (c->p < c->end)
    {
      guchar ch = *c->p;

      if (ch == '"')
        {
          c->p++;
          return TRUE;
        }
      if (ch < 0x20)
        return fail (c, "a control character inside a string");
      if (ch == '\\')
        {
          if (++c->p >= c->end)
            break;
          if (*c->p == 'u')
            {
              for (int i = 1; i <= 4; i++)
                if (c->p + i >= c->end || !g_ascii_isxdigit (c->p[i]))
                  return fail (c, "a bad \\u escape");
              c->p += 4;
            }
          else if (!strchr ("\"\\/bfnrt", *c->p))
            return fail (c, "an unknown escape");
        }
      c->p++;
    }
  return fail (c, "an unterminated string");
}

static gboolean
check_digits (Checker *c)
{
  const char *first = c->p;

  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  return c->p > first || fail (c, "a number without digits");
}

static gboolean
check_number (Checker *c)
{
  if (*c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;
  else if (!check_digits (c))
    return FALSE;
  if (c->p < c->end && *c->p == '.')
    {
      c->p++;
      if (!check_digits (c))
        return FALSE;
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      if (!check_digits (c))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_literal (Checker    *c,
               const char *word)
{
  gsize n = strlen (word);

  if ((gsize)(c->end - c->p) < n || memcmp (c->p, word, n) != 0)
    return fail (c, "an unexpected character");
  c->p += n;
  return TRUE;
}

static gboolean check_value (Checker *c, guint depth);

static gboolean
check_container (Checker *c,
                 guint    depth,
                 char     close)
{
  if (depth >= PANO_JSON_MAX_DEPTH)
    return fail (c, "nesting deeper than " G_STRINGIFY (PANO_JSON_MAX_DEPTH) " levels");
  c->p++;
  skip_space (&c->p, c->end);
  if (c->p < c->end && *c->p == close)
    {
      c->p++;
      return TRUE;
    }
  for (;;)
    {
      if (close == '}')
        {
          if (c->p >= c->end || *c->p != '"')
            return fail (c, "an object member without a string name");
          if (!check_string (c))
            return FALSE;
          skip_space (&c->p, c->end);
          if (c->p >= c->end || *c->p != ':')
            return fail (c, "a missing ':' after a member name");
          c->p++;
        }
      if (!check_value (c, depth + 1))
        return FALSE;
      skip_space (&c->p, c->end);
      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          skip_space (&c->p, c->end);
          continue;
        }
      if (c->p < c->end && *c->p == close)
        {
          c->p++;
          return TRUE;
        }
      return fail (c, close == '}' ? "a missing ',' or '}'" : "a missing ',' or ']'");
    }
}

static gboolean
check_value (Checker *c,
             guint    depth)
{
  skip_space (&c->p, c->end);
  if (c->p >= c->end)
    return fail (c, "a missing value");
  switch (*c->p)
    {
    case '{':
      return check_container (c, depth, '}');
    case '[':
      return check_container (c, depth, ']');
    case '"':
      return check_string (c);
    case 't':
      return check_literal (c, "true");
    case 'f':
      return check_literal (c, "false");
    case 'n':
      return check_literal (c, "null");
    default:
      if (*c->p == '-' || g_ascii_isdigit (*c->p))
        return check_number (c);
      return fail (c, "an unexpected character");
    }
}

/**
 * pano_json_check:
 * @value: (out): the one value @text holds, without the space around it
 *
 * Checks that @text is one JSON value in valid UTF-8, nested at most %PANO_JSON_MAX_DEPTH
 * deep. Only checked text may be read with the other functions.
 *
 * Returns: whether it is, or %FALSE with a %G_IO_ERROR_INVALID_DATA naming the byte
 */
gboolean
pano_json_check (const char    *text,
                 gsize          length,
                 PanoJsonSpan  *value,
                 GError       **error)
{
  /* An empty frame may come as NULL: no arithmetic on that. */
  Checker c = { text ? text : "", text ? text : "", text ? text + length : "", error };
  const char *bad;

  if (!g_utf8_validate_len (c.start, c.end - c.start, &bad))
    {
      c.p = bad;
      return fail (&c, "text that is not UTF-8");
    }
  skip_space (&c.p, c.end);
  value->start = c.p;
  if (!check_value (&c, 0))
    return FALSE;
  value->end = c.p;
  skip_space (&c.p, c.end);
  return c.p == c.end || fail (&c, "more text after the value");
}

/* ---- reading checked text ---- */

static const char *
skip_string (const char *p)
{
  for (p++; *p != '"'; p++)
    if (*p == '\\')
      p++;
  return p + 1;
}

/* Returns: the end of the checked value at @p */
static const char *
skip_value (const char *p)
{
  int depth = 0;

  do
    {
      switch (*p)
        {
        case '"':
          p = skip_string (p);
          continue;
        case '{': case '[':
          depth++;
          break;
        case '}': case ']':
          depth--;
          break;
        case ' ': case '\t': case '\n': case '\r': case ',': case ':':
          break;
        default:
          if (depth == 0)
            {
              /* a number or a literal: checked, so it ends at the first other byte */
              while (g_ascii_isalnum (*p) || *p == '-' || *p == '+' || *p == '.')
                p++;
              return p;
            }
          break;
        }
      p++;
    }
  while (depth > 0);
  return p;
}

gboolean
pano_json_is_object (PanoJsonSpan value)
{
  return value.start != NULL && *value.start == '{';
}

gboolean
pano_json_is_array (PanoJsonSpan value)
{
  return value.start != NULL && *value.start == '[';
}

gboolean
pano_json_is_string (PanoJsonSpan value)
{
  return value.start != NULL && *value.start == '"';
}

gboolean
pano_json_is_true (PanoJsonSpan value)
{
  return value.start != NULL && *value.start == 't';
}

/* @container: a checked object or array (anything else iterates nothing) */
void
pano_json_iter_init (PanoJsonIter *iter,
                     PanoJsonSpan  container)
{
  gboolean ok = pano_json_is_object (container) || pano_json_is_array (container);

  iter->object = pano_json_is_object (container);
  iter->p = ok ? container.start + 1 : NULL;
  iter->end = ok ? container.end - 1 : NULL;
}

/* @key: (out) (optional): the member's name as a string value; nothing for an array
 * Returns: whether there was another member or element */
gboolean
pano_json_iter_next (PanoJsonIter *iter,
                     PanoJsonSpan *key,
                     PanoJsonSpan *value)
{
  if (iter->p == NULL)
    return FALSE;
  skip_space (&iter->p, iter->end);
  if (iter->p < iter->end && *iter->p == ',')
    {
      iter->p++;
      skip_space (&iter->p, iter->end);
    }
  if (iter->p >= iter->end)
    return FALSE;

  if (key != NULL && !iter->object)
    *key = (PanoJsonSpan) { NULL, NULL };   /* an element has no name to compare */
  if (iter->object)
    {
      const char *name_end = skip_string (iter->p);

      if (key != NULL)
        *key = (PanoJsonSpan) { iter->p, name_end };
      iter->p = name_end;
      skip_space (&iter->p, iter->end);
      iter->p++;   /* ':' */
      skip_space (&iter->p, iter->end);
    }
  value->start = iter->p;
  value->end = iter->p = skip_value (iter->p);
  return TRUE;
}

/* Returns: whether checked @object has a member @name, its value in @value */
gboolean
pano_json_member (PanoJsonSpan  object,
                  const char   *name,
                  PanoJsonSpan *value)
{
  PanoJsonIter iter;
  PanoJsonSpan key;

  if (!pano_json_is_object (object))
    return FALSE;
  pano_json_iter_init (&iter, object);
  while (pano_json_iter_next (&iter, &key, value))
    if (pano_json_string_equals (key, name))
      return TRUE;
  return FALSE;
}

/* Returns: whether @value is a string equal to @text */
gboolean
pano_json_string_equals (PanoJsonSpan  value,
                         const char   *text)
{
  gsize n = strlen (text);
  g_autofree char *decoded = NULL;

  if (!pano_json_is_string (value))
    return FALSE;
  /* Raw text equals @text only if neither holds an escape. */
  if ((gsize)(value.end - value.start) == n + 2 && memcmp (value.start + 1, text, n) == 0 &&
      strchr (text, '\\') == NULL)
    return TRUE;
  if (memchr (value.start, '\\', value.end - value.start) == NULL)
    return FALSE;
  decoded = pano_json_dup_string (value);
  return g_strcmp0 (decoded, text) == 0;
}

static guint
hex4 (const char *p)
{
  guint v = 0;

  for (int i = 0; i < 4; i++)
    v = v << 4 | g_ascii_xdigit_value (p[i]);
  return v;
}

/* Returns: (transfer full) (nullable): the string @value decoded, %NULL if it is not a
 *   string */
char *
pano_json_dup_string (PanoJsonSpan value)
{
  GString *out;

  if (!pano_json_is_string (value))
    return NULL;
  out = g_string_sized_new (value.end - value.start);
  for (const char *p = value.start + 1; p < value.end - 1; p++)
    {
      gunichar u;

      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      switch (*++p)
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          u = hex4 (p + 1);
          p += 4;
          if (u >= 0xd800 && u < 0xdc00 && p + 6 < value.end && p[1] == '\\' && p[2] == 'u')
            {
              guint low = hex4 (p + 3);

              if (low >= 0xdc00 && low < 0xe000)
                {
                  u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                  p += 6;
                }
            }
          if (u >= 0xd800 && u < 0xe000)
            u = 0xfffd;   /* a lone surrogate */
          g_string_append_unichar (out, u);
          break;
        default:   /* " \ / */
          g_string_append_c (out, *p);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

/* Returns: whether @value is a number, read into @number */
gboolean
pano_json_number (PanoJsonSpan  value,
                  double       *number)
{
  char buffer[64];
  gsize n = value.end - value.start;
  g_autofree char *copy = NULL;

  if (value.start == NULL || !(*value.start == '-' || g_ascii_isdigit (*value.start)))
    return FALSE;
  /* RFC 8259 puts no limit on digits: a long number is still a number. */
  if (n >= sizeof buffer)
    {
      copy = g_strndup (value.start, n);
      *number = g_ascii_strtod (copy, NULL);
      return TRUE;
    }
  memcpy (buffer, value.start, n);
  buffer[n] = '\0';
  *number = g_ascii_strtod (buffer, NULL);
  return TRUE;
}

/* Returns: whether @value is a whole number that fits a gint64, read into @number */
gboolean
pano_json_int (PanoJsonSpan  value,
               gint64       *number)
{
  double d;

  if (!pano_json_number (value, &d) || d != floor (d) || d < (double)G_MININT64 ||
      d >= (double)G_MAXINT64)
    return FALSE;
  if (d > -9007199254740992.0 && d < 9007199254740992.0)
    {
      *number = (gint64)d;
      return TRUE;
    }
  /* Beyond 2^53 a double loses digits: read them exactly, which only plain digits allow
   * (strtoll would read 2e16 as 2). */
  for (const char *p = value.start; p < value.end; p++)
    if (!g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  *number = g_ascii_strtoll (value.start, NULL, 10);
  return TRUE;
}

/* Returns: (transfer full): the value's text as it came */
char *
pano_json_dup_text (PanoJsonSpan value)
{
  return g_strndup (value.start, value.end - value.start);
}

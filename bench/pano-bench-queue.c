// SPDX-License-Identifier: GPL-3.0-or-later
/* The incident queue under load: with 10 000 open incidents, how long after one incident
 * changes until the queue on screen shows it, against the same with 100 (issue: p95 ratio
 * ≤ 1.5×).
 *
 * Each scenario is the console's own path without a hub: a PanoLiveStore fed the `incidents`
 * layer as the feed client feeds it (a snapshot in chunks, then one delta per change, each
 * applied and flushed from a G_PRIORITY_HIGH_IDLE source as the client's apply slice runs),
 * the PanoIncidentModel that follows it, and a real PanoIncidentQueue 440 px wide (the
 * window's operations panel) at the right of an undecorated 1920×1080 window, dispatcher role,
 * tab 全部 so every incident is in the sorted list. Incidents are spread over Shiyan's streets
 * with the simulator's categories, severities 1–4, statuses reported/accepted/dispatched/
 * handling and stage clocks 70 % on time, 15 % due soon, 15 % overdue, against the real clock:
 * the queue's own once-a-second clock tick runs as in the console.
 *
 * A sample changes one incident, in turn:
 *   in place  an incident on screen changes severity: its row's text changes;
 *   up        an incident from the lower half of the list gets the stage clock of a row in
 *             the middle of the screen: it must appear beside it;
 *   down      an incident on screen moves to its next stage with a fresh clock: it
 *             sinks far down and must leave the screen.
 * The latency runs from just before pano_live_store_apply() to the end of the first frame
 * (the frame clock's ::after-paint) at which the list view's rows on screen show the change:
 * a row fully inside the viewport bound to the incident's new record, or for `down` no row in
 * the viewport bound to the incident at all. The next sample starts 4–24 ms later, so samples
 * do not lock to the frame clock. Prints figures; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-bench-frames.h"
#include "pano-incident-model.h"
#include "pano-incident-queue.h"
#include "pano-incident-row.h"
#include "pano-live-store.h"
#include "pano-protocol.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 1920
#define HEIGHT 1080
#define QUEUE_WIDTH 440                          /* the window's operations panel */
#define LAYER "incidents"
#define SNAPSHOT_CHUNK 1000
#define MINUTE_MS (60 * 1000)
#define SETTLE_QUIET_US (300 * 1000)
#define SETTLE_LIMIT_US (5 * G_USEC_PER_SEC)
#define SAMPLE_LIMIT_US (2 * G_USEC_PER_SEC)     /* not on screen by then: not seen */
#define BLOCK_LIMIT_US (15 * G_USEC_PER_SEC)     /* the sampling of one block, at most */
#define RUN_LIMIT_US (90 * G_USEC_PER_SEC)       /* no block starts after this */
#define GOAL_RATIO 1.5
#define MAX_INCIDENTS 100000
#define MAX_SAMPLES 2000

static char *opt_incidents;
static int opt_samples = 300;
static int opt_warmup = 10;
static int opt_rounds = 8;

static const GOptionEntry entries[] = {
  { "incidents", 0, 0, G_OPTION_ARG_STRING, &opt_incidents,
    "Open incidents per scenario, the first is the reference (100,10000)", "N,N" },
  { "samples", 0, 0, G_OPTION_ARG_INT, &opt_samples, "Measured changes per scenario (300)", "N" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &opt_rounds,
    "Blocks per scenario, the scenarios taking turns (8)", "N" },
  { "warmup", 0, 0, G_OPTION_ARG_INT, &opt_warmup, "Changes before measuring, per block (10)",
    "N" },
  { NULL }
};

/* ---- the incidents ---- */

/* The demo city's streets (data/shiyan.gpkg, grid_cells): code prefix, names, rough centre. */
static const struct
{
  const char *code;
  const char *district;
  const char *street;
  double lon, lat;
} streets[] = {
  { "420300-420302-001", "茅箭区", "凤凰街道", 110.846, 32.641 },
  { "420300-420302-002", "茅箭区", "云岭街道", 110.794, 32.644 },
  { "420300-420302-003", "茅箭区", "长岭街道", 110.884, 32.598 },
  { "420300-420302-004", "茅箭区", "西城街道", 110.730, 32.557 },
  { "420300-420302-005", "茅箭区", "三堰镇", 110.836, 32.481 },
  { "420300-420302-006", "茅箭区", "临川镇", 110.688, 32.453 },
  { "420300-420303-001", "张湾区", "柏林镇", 110.675, 32.717 },
  { "420300-420303-002", "张湾区", "汉江镇", 110.527, 32.634 },
  { "420300-420303-003", "张湾区", "官山街道", 110.779, 32.700 },
  { "420300-420303-004", "张湾区", "二堰街道", 110.833, 32.654 },
  { "420300-420303-005", "张湾区", "谭家街道", 110.637, 32.579 },
  { "420300-420303-006", "张湾区", "安阳街道", 110.750, 32.613 },
};

/* The simulator's mix (hub/pano-hub-simulator.c), with the unit kind that answers. */
static const struct
{
  const char *category;
  const char *title;
  const char *unit_kind;
  double weight;
} kinds[] = {
  { "市政设施", "井盖缺失 manhole cover missing", "enforcement", 18 },
  { "市政设施", "路灯故障 street lamp out", "enforcement", 12 },
  { "环境卫生", "垃圾堆积 rubbish piled up", "enforcement", 20 },
  { "市容秩序", "占道经营 street vending on the road", "enforcement", 16 },
  { "公共安全", "消防通道堵塞 fire lane blocked", "police", 8 },
  { "事故灾难", "交通事故 road accident", "police", 8 },
  { "事故灾难", "火灾 fire", "fire_engine", 4 },
  { "事故灾难", "燃气泄漏 gas leak", "fire_engine", 2 },
  { "自然灾害", "道路积水 road flooding", "rescue_team", 3 },
  { "公共卫生", "突发疾病 medical emergency", "ambulance", 6 },
  { "社会安全", "聚集纠纷 public dispute", "police", 3 },
};

static const char * const categories[] = { "市政设施", "环境卫生", "市容秩序", "公共安全",
                                           "事故灾难", "自然灾害", "公共卫生", "社会安全",
                                           "突发事件", NULL };

static const char * const sources[] = { "grid_worker", "hotline_12345", "sensor", "video_ai",
                                        "operator" };

typedef struct
{
  char id[16];
  PanoIncidentStatus status;
  guint kind;
  guint severity;
  guint source;
  guint street;
  guint cell;
  double lon, lat;
  gint64 reported_ms;
  gint64 stage_since_ms;
  gint64 limit_ms;
  gint64 updated_ms;
  gboolean overdue;          /* the hub's flag */
  gint64 version;
  guint rework;
  guint unit;
  gboolean on_scene;
} Incident;

static guint
pick_kind (GRand *rand)
{
  double total = 0, pick;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    total += kinds[i].weight;
  pick = g_rand_double_range (rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if ((pick -= kinds[i].weight) < 0)
      return i;
  return 0;
}

static guint
nearest_street (double lon,
                double lat)
{
  guint best = 0;
  double best_d = G_MAXDOUBLE;

  for (guint i = 0; i < G_N_ELEMENTS (streets); i++)
    {
      double dx = (streets[i].lon - lon) * cos (lat * G_PI / 180), dy = streets[i].lat - lat;

      if (dx * dx + dy * dy < best_d)
        best = i, best_d = dx * dx + dy * dy;
    }
  return best;
}

/* Enters @status now minus @share of its time limit. */
static void
enter_stage (Incident           *inc,
             PanoIncidentStatus  status,
             double              share,
             gint64              now_ms)
{
  inc->status = status;
  inc->limit_ms = (gint64) pano_incident_default_limit_s (status) * 1000;
  inc->stage_since_ms = now_ms - (gint64) (share * inc->limit_ms);
  inc->overdue = share > 1;
  inc->updated_ms = now_ms;
}

/* 70 % on time, 15 % due soon (80–99 % used), 15 % overdue (up to 3 times the limit). */
static double
random_share (GRand *rand)
{
  double r = g_rand_double (rand);

  if (r < 0.70)
    return g_rand_double_range (rand, 0.02, 0.78);
  if (r < 0.85)
    return g_rand_double_range (rand, 0.81, 0.99);
  return g_rand_double_range (rand, 1.02, 3.0);
}

static void
make_incident (Incident *inc,
               guint     index,
               GRand    *rand,
               gint64    now_ms)
{
  static const PanoIncidentStatus statuses[] = { PANO_INCIDENT_REPORTED, PANO_INCIDENT_ACCEPTED,
                                                 PANO_INCIDENT_DISPATCHED,
                                                 PANO_INCIDENT_HANDLING };
  double r = g_rand_double (rand);

  g_snprintf (inc->id, sizeof inc->id, "INC-%06u", index + 1);
  inc->kind = pick_kind (rand);
  inc->severity = r < 0.5 ? 1 : r < 0.8 ? 2 : r < 0.95 ? 3 : 4;
  inc->source = g_rand_int_range (rand, 0, G_N_ELEMENTS (sources));
  inc->lon = g_rand_double_range (rand, 110.6, 111.0);
  inc->lat = g_rand_double_range (rand, 32.5, 32.8);
  inc->street = nearest_street (inc->lon, inc->lat);
  inc->cell = g_rand_int_range (rand, 1, 31);
  inc->unit = g_rand_int_range (rand, 1, 40);
  enter_stage (inc, statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))],
               random_share (rand), now_ms);
  inc->reported_ms = inc->stage_since_ms - g_rand_int_range (rand, 0, 90) * MINUTE_MS;
  inc->on_scene = inc->status == PANO_INCIDENT_HANDLING ||
                  (inc->status == PANO_INCIDENT_DISPATCHED && g_rand_double (rand) < 0.3);
  inc->version = 1 + inc->status;
  inc->updated_ms = inc->stage_since_ms;
}

/* ---- the feed's frames ---- */

static void
append_time (GString    *s,
             const char *member,
             gint64      ms)
{
  g_autofree char *text = pano_protocol_format_time (ms * 1000);

  g_string_append_printf (s, "\"%s\":\"%s\",", member, text);
}

static void
append_lonlat (GString *s,
               double   lon,
               double   lat)
{
  char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (s, "[%s,%s]", g_ascii_formatd (x, sizeof x, "%.6f", lon),
                          g_ascii_formatd (y, sizeof y, "%.6f", lat));
}

static void
append_units (GString        *s,
              const Incident *inc)
{
  g_string_append (s, "\"units\":[");
  if (inc->status == PANO_INCIDENT_DISPATCHED || inc->status == PANO_INCIDENT_HANDLING ||
      inc->status == PANO_INCIDENT_VERIFIED)
    {
      g_string_append_printf (s, "{\"id\":\"%s-%u\",\"acknowledged\":true,",
                              kinds[inc->kind].unit_kind, inc->unit);
      append_time (s, "acknowledged_at", inc->stage_since_ms + MINUTE_MS);
      if (inc->on_scene)
        append_time (s, "on_scene_at", inc->stage_since_ms + 9 * MINUTE_MS);
      g_string_truncate (s, s->len - 1);
      g_string_append_c (s, '}');
    }
  g_string_append (s, "],");
}

/* The `properties` of the entity, as docs/protocol.md section 6 has them. */
static void
append_properties (GString        *s,
                   const Incident *inc)
{
  gint64 deadline = inc->stage_since_ms + inc->limit_ms;

  g_string_append_printf (s, "{\"id\":\"%s\",\"status\":\"%s\",\"status_label\":\"%s\","
                          "\"category\":\"%s\",\"severity\":%u,\"title\":\"%s\","
                          "\"description\":\"\",\"source\":\"%s\",\"location\":",
                          inc->id, pano_incident_status_name (inc->status),
                          pano_incident_status_label (inc->status), kinds[inc->kind].category,
                          inc->severity, kinds[inc->kind].title, sources[inc->source]);
  append_lonlat (s, inc->lon, inc->lat);
  g_string_append_printf (s, ",\"grid\":{\"code\":\"%s-%04u\",\"city\":\"十堰市\","
                          "\"district\":\"%s\",\"street\":\"%s\",\"cell\":\"%s第%u网格\"},",
                          streets[inc->street].code, inc->cell, streets[inc->street].district,
                          streets[inc->street].street, streets[inc->street].street, inc->cell);
  append_time (s, "reported_at", inc->reported_ms);
  append_time (s, "stage_since", inc->stage_since_ms);
  append_time (s, "deadline", deadline);
  append_time (s, "updated_at", inc->updated_ms);
  append_units (s, inc);
  g_string_append_printf (s, "\"overdue\":%s,\"version\":%" G_GINT64_FORMAT ","
                          "\"updated_by\":\"dispatcher-1\",\"rework\":%u,\"extensions\":[],"
                          "\"notes\":[]}",
                          inc->overdue ? "true" : "false", inc->version, inc->rework);
}

static void
append_entity (GString        *s,
               const Incident *inc)
{
  g_string_append_printf (s, "{\"id\":\"%s\",\"geometry\":{\"type\":\"Point\",\"coordinates\":",
                          inc->id);
  append_lonlat (s, inc->lon, inc->lat);
  g_string_append (s, "},\"properties\":");
  append_properties (s, inc);
  g_string_append (s, ",");
  append_time (s, "updated_at", inc->updated_ms);
  g_string_append (s, "\"stale_after\":null}");
}

static PanoFeedFrame *
decode (GString *text)
{
  g_autoptr(GError) error = NULL;
  PanoFeedFrame *frame = pano_feed_frame_decode (text->str, text->len, &error);

  if (frame == NULL)
    g_error ("The benchmark wrote a frame the decoder refuses: %s", error->message);
  return frame;
}

/* ---- one scenario ---- */

typedef enum
{
  CHANGE_IN_PLACE,
  CHANGE_UP,
  CHANGE_DOWN,
  N_CHANGES,
} ChangeKind;

static const char * const change_names[N_CHANGES] = { "in place", "up", "down" };

/* One scenario, pooled over its blocks. */
typedef struct
{
  guint n_incidents;
  guint on_screen;           /* rows fully in the viewport at the start */
  guint top_at_end;          /* the list position of the first row on screen at a block's end,
                                the largest */
  double fill_s;             /* snapshot decoded, applied and the queue placed, the longest */
  guint n_blocks;
  guint n_lost;
  GArray *latency;           /* ms, every kind */
  GArray *by_kind[N_CHANGES];
  GArray *apply;             /* ms in pano_live_store_apply + flush (models follow in it) */
  GArray *work;              /* ms per frame painted while sampling */
} Result;

typedef struct
{
  PanoBenchFrames frames;
  GtkWidget *box;
  GRand *rand;

  Incident *incidents;
  guint n_incidents;
  PanoLiveStore *store;
  PanoIncidentModel *model;
  PanoIncidentQueue *queue;
  GtkWidget *list;
  gint64 seq;

  Result *result;
  guint n_started;           /* changes applied, warm-up included */
  guint n_wanted;
  gboolean waiting;
  ChangeKind kind;
  Incident *target;
  gint64 applied_us;
  guint timer_id;
} Bench;

static void schedule_change (Bench *b);

static gboolean
row_in_view (Bench     *b,
             GtkWidget *row,
             gboolean   fully)
{
  graphene_rect_t bounds;
  double height = gtk_widget_get_height (b->list);
  double top, bottom;

  if (!gtk_widget_get_mapped (row) || !gtk_widget_compute_bounds (row, b->list, &bounds))
    return FALSE;
  top = bounds.origin.y;
  bottom = top + bounds.size.height;
  return fully ? top >= -0.5 && bottom <= height + 0.5 : bottom > 0 && top < height;
}

typedef gboolean (*RowFunc) (Bench *b, PanoIncidentRow *row, gpointer data);

/* Returns: whether @func returned %TRUE for a row: the list view's rows, in child order */
static gboolean
any_row (Bench    *b,
         RowFunc   func,
         gpointer  data)
{
  for (GtkWidget *item = gtk_widget_get_first_child (b->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (row != NULL && PANO_IS_INCIDENT_ROW (row) && func (b, PANO_INCIDENT_ROW (row), data))
        return TRUE;
    }
  return FALSE;
}

static gboolean
shows_record (Bench           *b,
              PanoIncidentRow *row,
              gpointer         record)
{
  return pano_incident_row_get_record (row) == record && row_in_view (b, GTK_WIDGET (row), TRUE);
}

static gboolean
shows_id (Bench           *b,
          PanoIncidentRow *row,
          gpointer         id)
{
  PanoIncidentRecord *r = pano_incident_row_get_record (row);

  return r != NULL && g_str_equal (pano_incident_record_get_id (r), id) &&
         row_in_view (b, GTK_WIDGET (row), FALSE);
}

static gboolean
count_in_view (Bench           *b,
               PanoIncidentRow *row,
               gpointer         count)
{
  *(guint *) count += row_in_view (b, GTK_WIDGET (row), TRUE);
  return FALSE;
}

/* Returns: whether the rows on screen show the change under way */
static gboolean
change_shown (Bench *b)
{
  PanoIncidentRecord *now = pano_incident_model_lookup (b->model, b->target->id);

  if (b->kind == CHANGE_DOWN)
    return !any_row (b, shows_id, b->target->id);
  return now != NULL && any_row (b, shows_record, now);
}

static void
finish_sample (Bench    *b,
               gint64    now,
               gboolean  seen)
{
  double ms = (now - b->applied_us) / 1000.0;
  Result *r = b->result;

  b->waiting = FALSE;
  if (b->n_started > (guint) opt_warmup && seen)
    {
      g_array_append_val (r->latency, ms);
      g_array_append_val (r->by_kind[b->kind], ms);
    }
  else if (b->n_started > (guint) opt_warmup)
    r->n_lost++;
  if (b->n_started < b->n_wanted)
    schedule_change (b);
}

static void
on_paint (PanoBenchFrames *frames,
          gint64           now,
          gpointer         user_data)
{
  Bench *b = user_data;

  if (b->waiting && change_shown (b))
    finish_sample (b, now, TRUE);
}

static Incident *
incident_of (Bench              *b,
             PanoIncidentRecord *record)
{
  guint index = (guint) g_ascii_strtoull (pano_incident_record_get_id (record) + 4, NULL, 10);

  g_assert (index >= 1 && index <= b->n_incidents);
  return &b->incidents[index - 1];
}

/* Returns: (transfer none): the incident shown at a random position in [@from, @to) */
static Incident *
shown_between (Bench *b,
               guint  from,
               guint  to)
{
  guint position = g_rand_int_range (b->rand, from, MAX (to, from + 1));

  return incident_of (b, pano_incident_queue_get_shown (b->queue, position));
}

static gboolean
collect_in_view (Bench           *b,
                 PanoIncidentRow *row,
                 gpointer         rows)
{
  if (row_in_view (b, GTK_WIDGET (row), TRUE))
    g_ptr_array_add (rows, row);
  return FALSE;
}

static int
compare_y (gconstpointer a,
           gconstpointer b)
{
  GtkWidget *wa = *(GtkWidget **) a, *wb = *(GtkWidget **) b;
  graphene_point_t pa, pb;

  if (!gtk_widget_compute_point (wa, gtk_widget_get_parent (gtk_widget_get_parent (wa)),
                                 &GRAPHENE_POINT_INIT (0, 0), &pa) ||
      !gtk_widget_compute_point (wb, gtk_widget_get_parent (gtk_widget_get_parent (wb)),
                                 &GRAPHENE_POINT_INIT (0, 0), &pb))
    return 0;
  return (pa.y > pb.y) - (pa.y < pb.y);
}

/* Returns: (transfer container): the rows fully on screen, top to bottom. What the operator
 *   sees is not always the model's first positions: GTK keeps the row at the top in place
 *   when rows are placed above it. */
static GPtrArray *
rows_in_view (Bench *b)
{
  GPtrArray *rows = g_ptr_array_new ();

  any_row (b, collect_in_view, rows);
  g_ptr_array_sort (rows, compare_y);
  return rows;
}

/* Returns: the list position of the first row fully on screen. GTK keeps a row the view
 *   starts with in place when the queue is re-sorted, so the view may drift from the top. */
static guint
top_position (Bench *b)
{
  g_autoptr(GPtrArray) rows = rows_in_view (b);
  PanoIncidentRecord *top = rows->len > 0 ? pano_incident_row_get_record (rows->pdata[0]) : NULL;

  for (guint i = 0; top != NULL && i < pano_incident_queue_get_n_shown (b->queue); i++)
    if (pano_incident_queue_get_shown (b->queue, i) == top)
      return i;
  return 0;
}

/* Gives @inc the stage clock of the incident @row shows: the queue places them side by side
 * whenever it reads the clocks (equal shares are ordered by number). */
static void
take_clock (Incident        *inc,
            PanoIncidentRow *row,
            gint64           now_ms)
{
  PanoIncidentRecord *r = pano_incident_row_get_record (row);

  inc->stage_since_ms = pano_incident_record_get_stage_since_ms (r);
  inc->limit_ms = pano_incident_record_get_deadline_ms (r) - inc->stage_since_ms;
  inc->overdue = pano_incident_record_get_overdue (r);
  inc->reported_ms = MIN (inc->reported_ms, inc->stage_since_ms);
  inc->updated_ms = now_ms;
}

static PanoIncidentStatus
next_stage (PanoIncidentStatus status)
{
  switch (status)
    {
    case PANO_INCIDENT_REPORTED:
      return PANO_INCIDENT_ACCEPTED;
    case PANO_INCIDENT_ACCEPTED:
      return PANO_INCIDENT_DISPATCHED;
    case PANO_INCIDENT_DISPATCHED:
      return PANO_INCIDENT_HANDLING;
    case PANO_INCIDENT_HANDLING:
      return PANO_INCIDENT_VERIFIED;
    case PANO_INCIDENT_VERIFIED:   /* verification failed: rework */
    default:
      return PANO_INCIDENT_HANDLING;
    }
}

/* Picks the incident for the next change and changes it as the hub would send it. */
static void
change_one (Bench  *b,
            gint64  now_ms)
{
  g_autoptr(GPtrArray) rows = rows_in_view (b);
  guint n_shown = pano_incident_queue_get_n_shown (b->queue);
  guint pick = g_rand_int_range (b->rand, 0, MAX (rows->len, 1));
  guint middle = g_rand_int_range (b->rand, rows->len / 4, MAX (rows->len * 3 / 4, 1));
  Incident *inc;

  g_assert (rows->len >= 3);
  b->kind = b->n_started % N_CHANGES;
  switch (b->kind)
    {
    case CHANGE_IN_PLACE:
      inc = incident_of (b, pano_incident_row_get_record (rows->pdata[pick]));
      inc->severity = inc->severity % 4 + 1;
      inc->updated_ms = now_ms;
      break;
    case CHANGE_UP:
      /* Beside a row in the middle of the screen: as urgent as it. A re-sort of the queue in
       * the meantime shifts the view by a row or two, not off the screen. */
      inc = shown_between (b, n_shown / 2, n_shown);
      take_clock (inc, rows->pdata[middle], now_ms);
      break;
    case CHANGE_DOWN:
    default:
      inc = incident_of (b, pano_incident_row_get_record (rows->pdata[pick]));
      if (next_stage (inc->status) == PANO_INCIDENT_HANDLING)
        inc->on_scene = TRUE, inc->rework += inc->status == PANO_INCIDENT_VERIFIED;
      enter_stage (inc, next_stage (inc->status), 0.01, now_ms);
      break;
    }
  inc->version++;
  b->target = inc;
}

static gboolean
apply_change (gpointer user_data)
{
  Bench *b = user_data;
  gint64 now_ms = g_get_real_time () / 1000;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(PanoFeedFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  gint64 done;
  double ms;

  b->timer_id = 0;
  change_one (b, now_ms);
  b->seq++;
  g_string_printf (text, "{\"type\":\"delta\",\"layer\":\"" LAYER "\",\"from_seq\":%"
                   G_GINT64_FORMAT ",\"seq\":%" G_GINT64_FORMAT ",\"changes\":[{\"op\":\"upsert\","
                   "\"entity\":", b->seq, b->seq);
  append_entity (text, b->target);
  g_string_append (text, "}]}");
  frame = decode (text);

  b->n_started++;
  b->waiting = TRUE;
  b->applied_us = g_get_monotonic_time ();
  if (!pano_live_store_apply (b->store, frame, &error))
    g_error ("The store refused a delta: %s", error->message);
  pano_live_store_flush (b->store);
  done = g_get_monotonic_time ();
  ms = (done - b->applied_us) / 1000.0;
  if (b->n_started > (guint) opt_warmup)
    g_array_append_val (b->result->apply, ms);
  return G_SOURCE_REMOVE;
}

/* At the feed client's apply priority, a few ms after the previous change was seen. */
static void
schedule_change (Bench *b)
{
  b->timer_id = g_timeout_add_full (G_PRIORITY_HIGH_IDLE, g_rand_int_range (b->rand, 4, 25),
                                    apply_change, b, NULL);
}

static gboolean
sampling_done (gpointer user_data)
{
  Bench *b = user_data;

  if (b->waiting && g_get_monotonic_time () - b->applied_us > SAMPLE_LIMIT_US)
    finish_sample (b, g_get_monotonic_time (), FALSE);
  return !b->waiting && b->timer_id == 0 && b->n_started >= b->n_wanted;
}

static void
fill_store (Bench *b)
{
  guint chunks = (b->n_incidents + SNAPSHOT_CHUNK - 1) / SNAPSHOT_CHUNK;

  b->seq = 1;
  for (guint c = 0; c < chunks; c++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(PanoFeedFrame) frame = NULL;
      g_autoptr(GError) error = NULL;

      g_string_printf (text, "{\"type\":\"snapshot\",\"layer\":\"" LAYER "\",\"epoch\":\"bench\","
                       "\"seq\":%" G_GINT64_FORMAT ",\"chunk\":%u,\"chunks\":%u,\"entities\":[",
                       b->seq, c, chunks);
      for (guint i = c * SNAPSHOT_CHUNK; i < MIN ((c + 1) * SNAPSHOT_CHUNK, b->n_incidents); i++)
        {
          append_entity (text, &b->incidents[i]);
          g_string_append_c (text, ',');
        }
      g_string_truncate (text, text->len - 1);
      g_string_append (text, "]}");
      frame = decode (text);
      if (!pano_live_store_apply (b->store, frame, &error))
        g_error ("The store refused the snapshot: %s", error->message);
    }
  pano_live_store_flush (b->store);
}

/* The queue's list (the dropdowns' popovers hold list views too). */
static GtkWidget *
find_list_view (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) && gtk_widget_has_css_class (widget, "navigation-sidebar"))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A fresh store, model and queue holding @n open incidents, drawn and still. */
static void
set_up (Bench  *b,
        Result *r)
{
  static const char * const layers[] = { LAYER, NULL };
  gint64 now_ms = g_get_real_time () / 1000, start = g_get_monotonic_time ();
  guint n = r->n_incidents;

  b->rand = g_rand_new_with_seed (PANO_BENCH_SEED + n + 7919 * r->n_blocks);
  b->n_incidents = n;
  b->incidents = g_new0 (Incident, n);
  for (guint i = 0; i < n; i++)
    make_incident (&b->incidents[i], i, b->rand, now_ms);
  b->store = pano_live_store_new (layers);
  b->model = pano_incident_model_new (b->store);
  fill_store (b);

  b->queue = g_object_new (PANO_TYPE_INCIDENT_QUEUE, NULL);
  gtk_widget_set_size_request (GTK_WIDGET (b->queue), QUEUE_WIDTH, -1);
  pano_incident_queue_set_may_act (b->queue, TRUE);
  pano_incident_queue_set_categories (b->queue, categories);
  pano_incident_queue_set_model (b->queue, b->model);
  pano_incident_queue_set_tab (b->queue, PANO_QUEUE_ALL);
  gtk_box_append (GTK_BOX (b->box), GTK_WIDGET (b->queue));
  pano_bench_frames_settle (&b->frames, SETTLE_QUIET_US, SETTLE_LIMIT_US);
  r->fill_s = MAX (r->fill_s, pano_bench_seconds_since (start));

  b->list = find_list_view (GTK_WIDGET (b->queue));
  g_assert (b->list != NULL);
  r->on_screen = 0;
  any_row (b, count_in_view, &r->on_screen);
}

static void
tear_down (Bench *b)
{
  gtk_box_remove (GTK_BOX (b->box), GTK_WIDGET (b->queue));
  b->queue = NULL;
  b->list = NULL;
  g_clear_object (&b->model);
  g_clear_object (&b->store);
  g_clear_pointer (&b->incidents, g_free);
  g_clear_pointer (&b->rand, g_rand_free);
}

static void
result_init (Result *r,
             guint   n)
{
  r->n_incidents = n;
  r->latency = g_array_new (FALSE, FALSE, sizeof (double));
  r->apply = g_array_new (FALSE, FALSE, sizeof (double));
  r->work = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint k = 0; k < N_CHANGES; k++)
    r->by_kind[k] = g_array_new (FALSE, FALSE, sizeof (double));
}

/* A fresh queue of the scenario's size, @samples changes measured after the warm-up. */
static void
run_block (Bench  *b,
           Result *r,
           guint   samples)
{
  g_printerr ("%u incidents: ", r->n_incidents);
  set_up (b, r);
  g_printerr ("filled in %.1f s, %u rows on screen; ", r->fill_s, r->on_screen);

  b->result = r;
  b->n_started = 0;
  b->n_wanted = opt_warmup + samples;
  pano_bench_frames_record (&b->frames);
  schedule_change (b);
  pano_bench_frames_spin (sampling_done, b, BLOCK_LIMIT_US);
  pano_bench_frames_stop (&b->frames);
  g_clear_handle_id (&b->timer_id, g_source_remove);
  b->waiting = FALSE;
  g_array_append_vals (r->work, b->frames.work->data, b->frames.work->len);
  pano_bench_frames_clear (&b->frames);
  r->top_at_end = MAX (r->top_at_end, top_position (b));
  r->n_blocks++;
  g_printerr ("%u samples so far, p95 %.1f ms\n", r->latency->len,
              pano_bench_percentile (r->latency, 0.95));
  tear_down (b);
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->latency, g_array_unref);
  g_clear_pointer (&r->apply, g_array_unref);
  g_clear_pointer (&r->work, g_array_unref);
  for (guint k = 0; k < N_CHANGES; k++)
    g_clear_pointer (&r->by_kind[k], g_array_unref);
}

/* ---- output ---- */

static char *
thousands (guint n)
{
  return n >= 1000 ? g_strdup_printf ("%u %03u", n / 1000, n % 1000) : g_strdup_printf ("%u", n);
}

static void
print_header (Bench *b)
{
  g_autofree char *loadavg = NULL;

  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  g_print ("\nPanorama incident queue benchmark - GTK %u.%u.%u, libadwaita %u.%u.%u, renderer %s "
           "(GSK_RENDERER=%s), %u cores\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
           pano_bench_frames_renderer_name (&b->frames),
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset",
           g_get_num_processors ());
  g_print ("Queue %d px wide in a %dx%d window, tab All, dispatcher role; %d changes per "
           "scenario (in place / up / down in turn) in %d blocks, the scenarios taking turns, "
           "each block a fresh queue and %d changes of warm-up; %u warnings logged.\n"
           "Load average at the end: %s"
           "latency = end of the first frame painted with the change on screen - just before "
           "pano_live_store_apply; apply = pano_live_store_apply + flush (the models follow "
           "inside it);\nnot seen = not on screen within 2 s; view's top at the end = the list "
           "position of the first row on screen after a block's last change, the largest (0: "
           "the view still starts at the most urgent incident; GTK keeps the row the view "
           "starts with in place when the queue is re-sorted, so the view drifts).\n\n",
           QUEUE_WIDTH, WIDTH, HEIGHT, opt_samples, opt_rounds, opt_warmup,
           b->frames.n_warnings, loadavg ? loadavg : "?\n");
}

static void
print_row (Result *r)
{
  g_autofree char *n = thousands (r->n_incidents);

  g_print ("| %s | %u | %u | %u | %u | %u | **%.1f** | **%.1f** | %.1f | %.2f | %.1f / %.1f | "
           "%.1f |\n",
           n, r->on_screen, r->top_at_end, r->latency->len, r->n_lost, r->work->len,
           pano_bench_percentile (r->latency, 0.5), pano_bench_percentile (r->latency, 0.95),
           pano_bench_percentile (r->latency, 1.0), pano_bench_percentile (r->apply, 0.5),
           pano_bench_percentile (r->work, 0.5), pano_bench_percentile (r->work, 0.95),
           r->fill_s);
}

static void
print_results (Bench  *b,
               GArray *results)
{
  Result *ref = &g_array_index (results, Result, 0);

  print_header (b);
  g_print ("| open incidents | rows on screen | view's top at the end | samples | not seen | "
           "frames | latency p50 ms | latency p95 ms | latency max ms | apply p50 ms | "
           "frame work p50 / p95 ms | set-up s |\n"
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < results->len; i++)
    print_row (&g_array_index (results, Result, i));
  for (guint i = 1; i < results->len; i++)
    {
      Result *r = &g_array_index (results, Result, i);
      g_autofree char *n = thousands (r->n_incidents), *n0 = thousands (ref->n_incidents);
      double p50 = pano_bench_percentile (r->latency, 0.5) /
                   pano_bench_percentile (ref->latency, 0.5);
      double p95 = pano_bench_percentile (r->latency, 0.95) /
                   pano_bench_percentile (ref->latency, 0.95);
      double max = pano_bench_percentile (r->latency, 1.0) /
                   pano_bench_percentile (ref->latency, 1.0);

      g_print ("| ratio %s / %s | | | | | | **%.2f×** | **%.2f×** | %.2f× | | | |\n", n, n0, p50,
               p95, max);
      g_print ("\nGoal: p95 with %s open incidents <= %.1f× the p95 with %s - %s (%.2f×: %.1f ms "
               "vs %.1f ms)\n", n, GOAL_RATIO, n0, p95 <= GOAL_RATIO ? "met: yes" : "met: no",
               p95, pano_bench_percentile (r->latency, 0.95),
               pano_bench_percentile (ref->latency, 0.95));
    }
  g_print ("\nBy kind of change, latency p50 / p95 ms:\n\n| open incidents |");
  for (guint k = 0; k < N_CHANGES; k++)
    g_print (" %s |", change_names[k]);
  g_print ("\n|---:|---:|---:|---:|\n");
  for (guint i = 0; i < results->len; i++)
    {
      Result *r = &g_array_index (results, Result, i);
      g_autofree char *n = thousands (r->n_incidents);

      g_print ("| %s |", n);
      for (guint k = 0; k < N_CHANGES; k++)
        g_print (" %.1f / %.1f |", pano_bench_percentile (r->by_kind[k], 0.5),
                 pano_bench_percentile (r->by_kind[k], 0.95));
      g_print ("\n");
    }
}

/* ---- main ---- */

static gboolean
parse_options (int      *argc,
               char   ***argv,
               GError  **error)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- one incident changes: how soon the queue shows it, 100 vs 10 000");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (opt_samples < 1 || opt_samples > MAX_SAMPLES || opt_warmup < 0 || opt_warmup > 500 ||
      opt_rounds < 1 || opt_rounds > opt_samples)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--samples 1..%d, --rounds 1..samples, --warmup 0..500", MAX_SAMPLES);
      return FALSE;
    }
  return TRUE;
}

/* The scenarios take turns, a block each per round, so a machine that is busier for a while
 * weighs on every scenario alike. */
static void
run_rounds (Bench  *b,
            GArray *results)
{
  gint64 start = g_get_monotonic_time ();

  for (guint round = 0; round < (guint) opt_rounds; round++)
    for (guint i = 0; i < results->len; i++)
      {
        Result *r = &g_array_index (results, Result, i);
        guint samples = opt_samples / opt_rounds + (round < (guint) opt_samples % opt_rounds);

        if (g_get_monotonic_time () - start > RUN_LIMIT_US)
          {
            g_printerr ("Out of time: round %u of %u not run.\n", round + 1, opt_rounds);
            return;
          }
        run_block (b, r, samples);
      }
}

static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  /* What AdwApplication loads for the console from its resource base path. */
  gtk_css_provider_load_from_resource (provider, "/org/panorama/Panorama/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) results = g_array_new (FALSE, TRUE, sizeof (Result));
  g_auto(GStrv) counts = NULL;
  Bench b = { 0 };
  GtkWidget *map;

  if (!parse_options (&argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  counts = g_strsplit (opt_incidents ? opt_incidents : "100,10000", ",", -1);
  gtk_init ();
  adw_init ();
  load_style ();
  pano_bench_frames_open (&b.frames, "Panorama incident queue benchmark", WIDTH, HEIGHT);
  b.frames.on_paint = on_paint;
  b.frames.on_paint_data = &b;
  b.box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  map = gtk_label_new ("map");   /* where the map is: the queue gets the panel's width */
  gtk_widget_set_hexpand (map, TRUE);
  gtk_box_append (GTK_BOX (b.box), map);
  gtk_window_set_child (b.frames.window, b.box);

  for (guint i = 0; counts[i]; i++)
    {
      guint n = (guint) g_ascii_strtoull (counts[i], NULL, 10);
      Result r = { 0 };

      if (n == 0 || n > MAX_INCIDENTS)
        continue;
      result_init (&r, n);
      g_array_append_val (results, r);
    }
  run_rounds (&b, results);

  if (results->len > 0)
    print_results (&b, results);
  for (guint i = 0; i < results->len; i++)
    result_clear (&g_array_index (results, Result, i));
  gtk_window_destroy (b.frames.window);
  return EXIT_SUCCESS;
}

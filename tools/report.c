/* Output of `mmsim compare` / `mmsim matrix`: side-by-side text, JSON,
 * CSV (RFC 4180) and plots drawn by gnuplot (docs/EXPERIMENTS.md). */
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exp.h"

/* ---- flattening: numeric leaves by path --------------------------------- */

struct leaf {
    char path[160];
    json_t *v;          /* borrowed */
};
struct leaves {
    struct leaf *l;
    size_t n, cap;
};

static int push(struct leaves *ls, size_t at, const char *path, json_t *v)
{
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? ls->cap * 2 : 64;
        struct leaf *l = realloc(ls->l, cap * sizeof(*l));
        if (!l)
            return -1;
        ls->l = l;
        ls->cap = cap;
    }
    memmove(&ls->l[at + 1], &ls->l[at], (ls->n - at) * sizeof(*ls->l));
    snprintf(ls->l[at].path, sizeof(ls->l[at].path), "%s", path);
    ls->l[at].v = v;
    ls->n++;
    return 0;
}

/* Collect the leaves of v under prefix in document order. */
static int flatten(json_t *v, const char *prefix, struct leaves *ls)
{
    char p[160];
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach(v, k, c) {
            if (!*prefix && strcmp(k, "topology") == 0)
                continue;   /* the column, not a metric */
            if (snprintf(p, sizeof(p), "%s%s%s", prefix, *prefix ? "." : "", k) >= (int)sizeof(p))
                continue;
            if (flatten(c, p, ls))
                return -1;
        }
        return 0;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c) {
            /* An object element is named by its first member ("[size_kib=16]"),
             * which the bundled reports make its key; its other members follow. */
            const char *k0 = json_is_object(c) ? json_object_iter_key(json_object_iter(c)) : NULL;
            json_t *v0 = k0 ? json_object_get(c, k0) : NULL;
            if (v0 && (json_is_integer(v0) || json_is_string(v0))) {
                int w = json_is_integer(v0)
                            ? snprintf(p, sizeof(p), "%s[%s=%" JSON_INTEGER_FORMAT "]", prefix,
                                       k0, json_integer_value(v0))
                            : snprintf(p, sizeof(p), "%s[%s=%s]", prefix, k0,
                                       json_string_value(v0));
                if (w >= (int)sizeof(p))
                    continue;
                const char *k;
                json_t *cc;
                json_object_foreach(c, k, cc) {
                    if (cc == v0)
                        continue;
                    char q[160];
                    if (snprintf(q, sizeof(q), "%s.%s", p, k) >= (int)sizeof(q))
                        continue;   /* a path that long is no metric name */
                    if (flatten(cc, q, ls))
                        return -1;
                }
                continue;
            }
            if (snprintf(p, sizeof(p), "%s[%zu]", prefix, i) >= (int)sizeof(p))
                continue;
            if (flatten(c, p, ls))
                return -1;
        }
        return 0;
    }
    if (json_is_number(v) || json_is_boolean(v))
        return push(ls, ls->n, prefix, v);
    return 0;   /* strings: labels, not metrics */
}

static const char *topo_of(json_t *r)
{
    const char *t = json_string_value(json_object_get(r, "topology"));
    return t ? t : "?";
}

static void fmt_value(json_t *v, char *buf, size_t len)
{
    if (!v)
        snprintf(buf, len, "-");
    else if (json_is_boolean(v))
        snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
    else if (json_is_integer(v))
        snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else {
        double d = json_real_value(v);
        snprintf(buf, len, fabs(d) < 10 && d != 0 ? "%.4f" : "%.2f", d);
    }
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int report_csv(json_t *reports, FILE *f)
{
    fputs("topology,metric,value\r\n", f);
    size_t n = json_is_array(reports) ? json_array_size(reports) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_is_array(reports) ? json_array_get(reports, i) : reports;
        struct leaves ls = {0};
        if (flatten(r, "", &ls)) {
            free(ls.l);
            return -1;
        }
        for (size_t k = 0; k < ls.n; k++) {
            char v[64];
            fmt_value(ls.l[k].v, v, sizeof(v));
            if (json_is_boolean(ls.l[k].v))
                snprintf(v, sizeof(v), "%d", json_is_true(ls.l[k].v));
            else if (json_is_real(ls.l[k].v))
                snprintf(v, sizeof(v), "%.6g", json_real_value(ls.l[k].v));
            csv_field(f, topo_of(r));
            fputc(',', f);
            csv_field(f, ls.l[k].path);
            fputc(',', f);
            csv_field(f, v);
            fputs("\r\n", f);
        }
        free(ls.l);
    }
    return ferror(f) ? -1 : 0;
}

int report_json(json_t *v, FILE *f)
{
    if (json_dumpf(v, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0 || fputc('\n', f) == EOF)
        return -1;
    return 0;
}

static json_t *find(const struct leaves *ls, const char *path)
{
    for (size_t i = 0; i < ls->n; i++)
        if (strcmp(ls->l[i].path, path) == 0)
            return ls->l[i].v;
    return NULL;
}

/* A derived row (a latency, share or utilisation) that is 0 or missing on
 * every machine: the text form leaves it out, the count beside it says
 * why (JSON and CSV keep every row). */
static bool derived_zero(const char *path, const struct leaves *per, size_t n)
{
    static const char *const suffixes[] = {"_ns", "share", "utilisation", "miss_rate",
                                           "per_walk"};
    size_t len = strlen(path);
    bool derived = false;
    for (unsigned i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t sl = strlen(suffixes[i]);
        derived |= len >= sl && strcmp(path + len - sl, suffixes[i]) == 0;
    }
    if (!derived || strncmp(path, "served.", 7) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        json_t *v = find(&per[i], path);
        if (v && json_number_value(v) != 0)
            return false;
    }
    return true;
}

void report_text(json_t *reports, FILE *f)
{
    size_t n = json_array_size(reports);
    if (n > CLI_MAX_TOPOS)
        n = CLI_MAX_TOPOS;
    struct leaves per[CLI_MAX_TOPOS] = {{0}}, rows = {0};
    /* The union of the rows, each report's new rows after the row that
     * precedes them there (a NUMA machine's remote rows among the others). */
    for (size_t i = 0; i < n; i++) {
        if (flatten(json_array_get(reports, i), "", &per[i]))
            goto out;
        size_t pos = 0;
        for (size_t k = 0; k < per[i].n; k++) {
            size_t j;
            for (j = 0; j < rows.n && strcmp(rows.l[j].path, per[i].l[k].path) != 0; j++)
                ;
            if (j < rows.n) {
                pos = j + 1;
                continue;
            }
            if (push(&rows, pos, per[i].l[k].path, NULL))
                goto out;
            pos++;
        }
    }
    fprintf(f, "%-40s", "");
    for (size_t i = 0; i < n; i++)
        fprintf(f, " %16s", topo_of(json_array_get(reports, i)));
    fputc('\n', f);
    char section[160] = "";
    for (size_t k = 0; k < rows.n; k++) {
        const char *path = rows.l[k].path, *dot = strchr(path, '.');
        if (derived_zero(path, per, n))
            continue;
        const char *label = path;
        if (dot) {
            /* A heading for each top-level object, its rows indented. */
            size_t len = (size_t)(dot - path);
            if (strncmp(section, path, len) != 0 || section[len]) {
                snprintf(section, sizeof(section), "%.*s", (int)len, path);
                fprintf(f, "%s\n", section);
            }
            label = dot + 1;
        } else {
            section[0] = '\0';
        }
        fprintf(f, "%s%-*s", dot ? "  " : "", dot ? 38 : 40, label);
        for (size_t i = 0; i < n; i++) {
            char v[64];
            fmt_value(find(&per[i], path), v, sizeof(v));
            fprintf(f, " %16s", v);
        }
        fputc('\n', f);
    }
out:
    for (size_t i = 0; i < n; i++)
        free(per[i].l);
    free(rows.l);
}

/* ---- gnuplot ------------------------------------------------------------- */

static const char *ext_of(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (dot && (strcmp(dot, ".svg") == 0 || strcmp(dot, ".SVG") == 0))
        return "svg";
    if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".PNG") == 0))
        return "png";
    return NULL;
}

/* The gnuplot executable on $PATH, in buf; NULL if there is none. */
static const char *find_gnuplot(char *buf, size_t len)
{
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(buf, len, "%.*s%sgnuplot", (int)n, path, n ? "/" : "./");
        struct stat st;
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
            return buf;
        path += n + (colon ? 1 : 0);
    }
    return NULL;
}

int plot_check(const char *cmd, const char *file)
{
    char exe[4096];
    if (!ext_of(file)) {
        cli_error("%s: --plot: '%s' must end in .svg or .png", cmd, file);
        return EXIT_USAGE;
    }
    if (!find_gnuplot(exe, sizeof(exe))) {
        cli_error("%s: --plot: gnuplot not found on PATH (install the Debian package "
                  "gnuplot-nox, or run scripts/setup)", cmd);
        return EXIT_NO_TOOL;
    }
    return 0;
}

/* A gnuplot single-quoted string: '' stands for a quote. */
static void gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        if (*s != '\n')
            fputc(*s, f);
    }
    fputc('\'', f);
}

static void gp_header(FILE *f, const char *file, unsigned w, unsigned h)
{
    if (strcmp(ext_of(file), "svg") == 0)
        fprintf(f, "set terminal svg size %u,%u dynamic font 'sans,12' noenhanced\n", w, h);
    else
        fprintf(f, "set terminal pngcairo size %u,%u font 'sans,10' noenhanced\n", w, h);
    fputs("set output ", f);
    gp_str(f, file);
    fputc('\n', f);
}

/* Run gnuplot with the script in buf (len bytes) on its stdin; 0 when it
 * exits with status 0 and has written file, else the exit status after a
 * message. */
static int run_gnuplot(const char *cmd, const char *file, const char *script, size_t len)
{
    char exe[4096];
    if (!find_gnuplot(exe, sizeof(exe))) {
        cli_error("%s: --plot: gnuplot not found on PATH (install the Debian package "
                  "gnuplot-nox, or run scripts/setup)", cmd);
        return EXIT_NO_TOOL;
    }
    int fd[2];
    if (pipe(fd) != 0) {
        cli_error("%s: --plot: pipe: %s", cmd, strerror(errno));
        return EXIT_SIM_ERROR;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        cli_error("%s: --plot: fork: %s", cmd, strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return EXIT_SIM_ERROR;
    }
    if (pid == 0) {
        dup2(fd[0], 0);
        close(fd[0]);
        close(fd[1]);
        execl(exe, "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(fd[0]);
    /* SIGPIPE is not a risk worth a handler: gnuplot reads its script
     * to the end before it exits. */
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd[1], script + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd[1]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    struct stat sb;
    if (off < len || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || stat(file, &sb) != 0 ||
        sb.st_size == 0) {
        cli_error("%s: --plot: gnuplot failed to write '%s'", cmd, file);
        return EXIT_SIM_ERROR;
    }
    return 0;
}

int plot_lines(const char *cmd, const char *file, const struct plot_panel *p, unsigned npanels)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return EXIT_SIM_ERROR;
    gp_header(f, file, 560 * npanels + 80, 480);
    fputs("set grid\nset key top left\nset pointsize 0.8\n", f);
    if (npanels > 1)
        fprintf(f, "set multiplot layout 1,%u\n", npanels);
    for (unsigned i = 0; i < npanels; i++) {
        const struct plot_panel *pp = &p[i];
        fputs(pp->logx ? "set logscale x 2\n" : "unset logscale x\n", f);
        fputs(pp->logy ? "set logscale y\n" : "unset logscale y\n", f);
        fputs("set title ", f);
        gp_str(f, pp->title);
        fputs("\nset xlabel ", f);
        gp_str(f, pp->xlabel);
        fputs("\nset ylabel ", f);
        gp_str(f, pp->ylabel);
        fputs("\nset yrange [0:*]\n", f);
        if (pp->logy)
            fputs("set yrange [*:*]\n", f);
        fputs("plot ", f);
        for (unsigned s = 0; s < pp->nseries; s++) {
            fprintf(f, "%s'-' using 1:2 with linespoints lw 2 title ", s ? ", " : "");
            gp_str(f, pp->s[s].title);
        }
        fputc('\n', f);
        for (unsigned s = 0; s < pp->nseries; s++) {
            for (unsigned k = 0; k < pp->s[s].n; k++)
                fprintf(f, "%.9g %.9g\n", pp->s[s].x[k], pp->s[s].y[k]);
            fputs("e\n", f);
        }
    }
    if (npanels > 1)
        fputs("unset multiplot\n", f);
    fclose(f);
    int rc = run_gnuplot(cmd, file, buf, len);
    free(buf);
    return rc;
}

int plot_heatmaps(const char *cmd, const char *file, const char *title,
                  const struct plot_matrix *m, unsigned nmat)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return EXIT_SIM_ERROR;
    gp_header(f, file, 520 * nmat + 40, 480);
    fputs("set palette rgbformulae 22,13,-31\nset xlabel 'memory node'\n"
          "set ylabel 'CPU node'\nset tics scale 0\n", f);
    if (nmat > 1 || title) {
        fprintf(f, "set multiplot layout 1,%u title ", nmat);
        gp_str(f, title ? title : "");
        fputc('\n', f);
    }
    for (unsigned i = 0; i < nmat; i++) {
        const struct plot_matrix *pm = &m[i];
        /* Row 0 on top, as in the table. */
        fprintf(f, "set xrange [-0.5:%u.5]\nset yrange [%u.5:-0.5]\n", pm->n - 1, pm->n - 1);
        fprintf(f, "set xtics 1\nset ytics 1\nset title ");
        gp_str(f, pm->title);
        fputs("\nset cblabel ", f);
        gp_str(f, pm->unit);
        fputc('\n', f);
        /* A datablock: inline '-' data cannot be read as a matrix twice. */
        fprintf(f, "$M%u << EOD\n", i);
        for (unsigned r = 0; r < pm->n; r++) {
            for (unsigned c = 0; c < pm->n; c++) {
                if (pm->v[r * pm->n + c] > 0)
                    fprintf(f, "%s%.6g", c ? " " : "", pm->v[r * pm->n + c]);
                else
                    fprintf(f, "%sNaN", c ? " " : "");
            }
            fputc('\n', f);
        }
        fprintf(f, "EOD\nplot $M%u matrix with image pixels notitle, $M%u matrix using 1:2:"
                   "(sprintf('%%.1f', $3)) with labels notitle\n", i, i);
    }
    if (nmat > 1 || title)
        fputs("unset multiplot\n", f);
    fclose(f);
    int rc = run_gnuplot(cmd, file, buf, len);
    free(buf);
    return rc;
}

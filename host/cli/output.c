#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/log.h"

/* The temporary file, for the signal handler to remove (one output at a time). */
static char pending_temp[PATH_MAX + 64];
static volatile sig_atomic_t pending_set;

static void on_signal(int sig)
{
    if (pending_set)
        unlink(pending_temp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void watch_signals(const char *temp)
{
    snprintf(pending_temp, sizeof pending_temp, "%s", temp);
    pending_set = 1;
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
}

static void unwatch_signals(void)
{
    pending_set = 0;
}

static bool ends_with_nocase(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcasecmp(text + n - m, suffix) == 0;
}

bool masq_output_format_of(const char *path, masq_format *format)
{
    static const struct {
        const char *suffix;
        masq_format format;
    } table[] = {{".json", MASQ_FORMAT_JSON},   {".ndjson", MASQ_FORMAT_NDJSON},
                 {".jsonl", MASQ_FORMAT_NDJSON}, {".csv", MASQ_FORMAT_CSV},
                 {".html", MASQ_FORMAT_HTML},   {".htm", MASQ_FORMAT_HTML},
                 {".txt", MASQ_FORMAT_TABLE},   {".table", MASQ_FORMAT_TABLE}};
    if (path == NULL)
        return false;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (ends_with_nocase(path, table[i].suffix)) {
            *format = table[i].format;
            return true;
        }
    return false;
}

/* Would a folder input read this file? (the folder walk's extensions) */
static bool read_by_folders(const char *path)
{
    static const char *const suffixes[] = {".json", ".jsonl", ".ndjson", ".csv", ".json.gz",
                                           ".jsonl.gz", ".ndjson.gz", ".csv.gz"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (ends_with_nocase(path, suffixes[i]))
            return true;
    return false;
}

/* Where a file lands, links followed: realpath of the file, or of its folder
 * and its name when it does not exist yet. */
static char *real_output(const char *path)
{
    char *real = realpath(path, NULL);
    if (real != NULL || errno != ENOENT)
        return real;
    const char *slash = strrchr(path, '/');
    char *folder = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    char *real_folder = folder ? realpath(folder, NULL) : NULL;
    free(folder);
    if (real_folder == NULL)
        return NULL;
    const char *base = slash ? slash + 1 : path;
    size_t size = strlen(real_folder) + strlen(base) + 2;
    real = malloc(size);
    if (real != NULL)
        snprintf(real, size, "%s/%s", real_folder, base);
    free(real_folder);
    return real;
}

bool masq_same_file(const char *a, const char *b)
{
    struct stat x, y;
    if (a == NULL || b == NULL)
        return false;
    if (strcmp(a, b) == 0) /* the same name, whether or not it exists yet */
        return true;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

masq_status masq_output_check_inputs(const char *path, const char *const *inputs, size_t count)
{
    struct stat out;
    if (path == NULL)
        return MASQ_OK;
    bool exists = stat(path, &out) == 0;
    if (exists && !S_ISREG(out.st_mode))
        return MASQ_OK; /* a device or a FIFO: nothing to destroy */
    char *real_out = real_output(path);
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < count && status == MASQ_OK; i++) {
        struct stat in;
        bool is_stdin = strcmp(inputs[i], "-") == 0;
        if ((is_stdin ? fstat(STDIN_FILENO, &in) : stat(inputs[i], &in)) != 0)
            continue;
        if (exists && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
            masq_error("-o %s is also an input (%s): writing it would destroy what is read; "
                       "choose another output file",
                       path, is_stdin ? "standard input" : inputs[i]);
            status = MASQ_ERR_USAGE;
        } else if (!is_stdin && S_ISDIR(in.st_mode) && real_out != NULL && read_by_folders(path)) {
            char *real_in = realpath(inputs[i], NULL);
            size_t n = real_in ? strlen(real_in) : 0;
            if (real_in && strncmp(real_out, real_in, n) == 0 && (real_out[n] == '/' || n == 1)) {
                masq_error("-o %s is inside the input folder %s, which reads it (now or in the "
                           "next run): choose an output outside it, or a name not read (.txt)",
                           path, inputs[i]);
                status = MASQ_ERR_USAGE;
            }
            free(real_in);
        }
    }
    free(real_out);
    return status;
}

masq_status masq_output_open(masq_output *output, const char *path)
{
    memset(output, 0, sizeof *output);
    output->path = path;
    if (path == NULL) {
        output->file = stdout;
        return MASQ_OK;
    }
    struct stat info;
    bool exists = stat(path, &info) == 0;
    if (exists && S_ISDIR(info.st_mode)) {
        masq_error("cannot write %s: it is a folder", path);
        return MASQ_ERR_OUTPUT;
    }
    if (exists && !S_ISREG(info.st_mode)) { /* /dev/stdout, /dev/null, a FIFO: written as it is */
        output->file = fopen(path, "w");
        if (output->file == NULL) {
            masq_error("cannot write %s: %s", path, strerror(errno));
            return MASQ_ERR_OUTPUT;
        }
        return MASQ_OK;
    }
    output->final_path = exists ? realpath(path, NULL) : strdup(path);
    if (output->final_path == NULL) {
        masq_error("cannot write %s: %s", path, strerror(errno));
        return MASQ_ERR_OUTPUT;
    }
    const char *slash = strrchr(output->final_path, '/');
    size_t folder_length = slash ? (size_t)(slash - output->final_path) + 1 : 0;
    const char *base = output->final_path + folder_length;
    size_t size = strlen(output->final_path) + 32;
    output->temp_path = malloc(size);
    if (output->temp_path == NULL) {
        masq_output_abort(output);
        return MASQ_ERR_NOMEM;
    }
    /* ".NAME.XXXXXX.tmp": hidden, and never taken by a folder walk. */
    snprintf(output->temp_path, size, "%.*s.%s.XXXXXX.tmp", (int)folder_length, output->final_path,
             base);
    int fd = mkstemps(output->temp_path, 4);
    if (fd < 0) {
        masq_error("cannot write %s: %s", path, strerror(errno));
        free(output->temp_path);
        output->temp_path = NULL;
        masq_output_abort(output);
        return MASQ_ERR_OUTPUT;
    }
    watch_signals(output->temp_path);
    /* The permissions a plain create would give, or the old file's. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, exists ? info.st_mode & 07777 : 0666 & ~mask);
    output->file = fdopen(fd, "w");
    if (output->file == NULL) {
        close(fd);
        masq_error("cannot write %s: %s", path, strerror(errno));
        masq_output_abort(output);
        return MASQ_ERR_OUTPUT;
    }
    return MASQ_OK;
}

masq_status masq_output_commit(masq_output *output)
{
    if (output->file == stdout || output->file == NULL)
        return output->file && fflush(stdout) != 0 ? MASQ_ERR_OUTPUT : MASQ_OK;
    errno = EIO; /* ferror sets no errno */
    bool failed = fflush(output->file) != 0 || ferror(output->file) ||
                  (output->temp_path && fsync(fileno(output->file)) != 0);
    int error = errno;
    if (fclose(output->file) != 0 && !failed) {
        error = errno;
        failed = true;
    }
    output->file = NULL;
    if (!failed && output->temp_path && rename(output->temp_path, output->final_path) != 0) {
        error = errno;
        failed = true;
    }
    if (failed) {
        masq_error("cannot write %s: %s%s", output->path, strerror(error),
                   output->temp_path ? "; the previous file is kept" : "");
        masq_output_abort(output);
        return MASQ_ERR_OUTPUT;
    }
    unwatch_signals();
    free(output->temp_path);
    free(output->final_path);
    output->temp_path = output->final_path = NULL;
    return MASQ_OK;
}

void masq_output_abort(masq_output *output)
{
    if (output->file != NULL && output->file != stdout)
        fclose(output->file);
    output->file = NULL;
    if (output->temp_path != NULL) {
        unlink(output->temp_path);
        unwatch_signals();
    }
    free(output->temp_path);
    free(output->final_path);
    output->temp_path = output->final_path = NULL;
}

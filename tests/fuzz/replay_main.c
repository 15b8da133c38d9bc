/* The fuzz targets' main() without libFuzzer: each argument is a file or a
 * folder of files (a corpus), and each file is run once through
 * LLVMFuzzerTestOneInput, so a normal build replays the committed corpora as
 * regression tests (zstd's way). A failed check aborts, as under the fuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    size_t capacity = 1 << 16, size = 0;
    uint8_t *data = malloc(capacity);
    size_t got;
    while (data != NULL && (got = fread(data + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            uint8_t *bigger = realloc(data, capacity * 2);
            if (bigger == NULL) {
                free(data);
                data = NULL;
                break;
            }
            data = bigger;
            capacity *= 2;
        }
    }
    fclose(file);
    if (data == NULL) {
        fprintf(stderr, "out of memory reading %s\n", path);
        return -1;
    }
    /* An exact-size copy, so that reading past the input is caught. */
    uint8_t *exact = malloc(size ? size : 1);
    if (exact == NULL) {
        free(data);
        return -1;
    }
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 0;
}

static int replay(const char *path, unsigned long *count)
{
    struct stat info;
    if (stat(path, &info) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    if (!S_ISDIR(info.st_mode)) {
        (*count)++;
        return replay_file(path);
    }
    DIR *dir = opendir(path);
    if (dir == NULL)
        return -1;
    struct dirent *entry;
    int status = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(entry->d_name) + 2;
        char *child = malloc(n);
        if (child == NULL)
            return -1;
        snprintf(child, n, "%s/%s", path, entry->d_name);
        if (replay(child, count) != 0)
            status = -1;
        free(child);
    }
    closedir(dir);
    return status;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (replay(argv[i], &count) != 0)
            status = 1;
    if (count == 0) {
        fprintf(stderr, "%s: no inputs\n", argv[0]);
        return 1;
    }
    printf("%s: %lu inputs replayed\n", argv[0], count);
    return status;
}

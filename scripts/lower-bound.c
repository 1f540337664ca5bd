/* Two pieces of work every build of a service must do, timed in the reference C libraries
 * (see scripts/lower-bound): parsing serverless.yml with libyaml into events only (no tree, no
 * positions kept, no variables) and compressing each file of the service with zlib at level 1
 * (raw deflate, one stream reset per file, plus its CRC-32), as the zip whose SHA-256 the
 * template carries as CodeSha256. Prints the fastest of ROUNDS runs of each, in milliseconds. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>
#include <zlib.h>

#define ROUNDS 300
#define MAX_FILES 100000

static char *files[MAX_FILES];
static size_t sizes[MAX_FILES];
static int nfiles;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(*len + 1);
    if (!buf || fread(buf, 1, *len, f) != *len) { perror(path); exit(2); }
    fclose(f);
    return buf;
}

/* Every regular file under dir, except hidden ones and serverless.* (which Serverless leaves
 * out of the artifact). */
static void walk(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) { perror(dir); exit(2); }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, "serverless.", 11) == 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) walk(path);
        else if (S_ISREG(st.st_mode) && nfiles < MAX_FILES) {
            files[nfiles] = slurp(path, &sizes[nfiles]);
            nfiles++;
        }
    }
    closedir(d);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: lower-bound SERVICE_DIR\n"); return 2; }
    char path[4096];
    snprintf(path, sizeof path, "%s/serverless.yml", argv[1]);
    size_t ylen;
    char *yaml = slurp(path, &ylen);
    long events = 0;
    double best = 1e9;
    for (int r = 0; r < ROUNDS; r++) {
        double t = now_ms();
        yaml_parser_t p;
        yaml_event_t ev;
        yaml_parser_initialize(&p);
        yaml_parser_set_input_string(&p, (const unsigned char *)yaml, ylen);
        events = 0;
        for (;;) {
            if (!yaml_parser_parse(&p, &ev)) { fprintf(stderr, "libyaml: %s\n", p.problem); return 1; }
            int end = ev.type == YAML_STREAM_END_EVENT;
            yaml_event_delete(&ev);
            events++;
            if (end) break;
        }
        yaml_parser_delete(&p);
        double d = now_ms() - t;
        if (d < best) best = d;
    }
    printf("libyaml %s: parse serverless.yml (%zu bytes, %ld events, no tree): %.3f ms\n",
           yaml_get_version_string(), ylen, events, best);

    walk(argv[1]);
    static unsigned char out[1 << 22];
    size_t in_total = 0, out_total = 0;
    best = 1e9;
    for (int r = 0; r < ROUNDS; r++) {
        double t = now_ms();
        z_stream s;
        memset(&s, 0, sizeof s);
        if (deflateInit2(&s, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 1;
        in_total = out_total = 0;
        unsigned long crc = 0;
        for (int i = 0; i < nfiles; i++) {
            deflateReset(&s);
            s.next_in = (unsigned char *)files[i];
            s.avail_in = (uInt)sizes[i];
            s.next_out = out;
            s.avail_out = sizeof out;
            deflate(&s, Z_FINISH);
            crc ^= crc32(0, (const unsigned char *)files[i], (uInt)sizes[i]);
            in_total += sizes[i];
            out_total += sizeof out - s.avail_out;
        }
        deflateEnd(&s);
        double d = now_ms() - t;
        if (d < best) best = d;
        if (crc == 1) puts("");
    }
    printf("zlib %s: deflate level 1 + CRC-32 of %d files (%zu -> %zu bytes): %.3f ms\n",
           zlibVersion(), nfiles, in_total, out_total, best);
    return 0;
}

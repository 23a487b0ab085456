#!/usr/bin/env bash
# What a first touch of a page costs on this machine: maps a fresh 512 MiB file (the way the commit log maps a
# segment) and an anonymous region, writes one byte per 4 KiB page, and prints microseconds per page; then does it
# again, partly reusing the memory the first round freed. On the bench VM: file pages 13.3 µs in round 1 and 6.1 µs in
# round 2, anonymous pages 1.7-1.9 µs (bench/RESULTS.md, session 3). Needs a C compiler (cc).
set -euo pipefail
DIR=$(mktemp -d "${TMPDIR:-/tmp}/tern-page-cost.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cat >"$DIR/touch.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void touch(const char *label, int fd, size_t size) {
    char *p = fd >= 0 ? mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                      : mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    double start = now();
    for (size_t i = 0; i < size; i += 4096) p[i] = 1;
    printf("%s: %.2f us/page\n", label, (now() - start) * 1e6 / (size / 4096));
    munmap(p, size);
}
int main(int argc, char **argv) {
    size_t size = (size_t)512 << 20;
    for (int round = 1; round <= 2; round++) {
        char path[4096], label[64];
        snprintf(path, sizeof path, "%s/segment", argv[1]);
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || ftruncate(fd, size) != 0) { perror(path); return 1; }
        snprintf(label, sizeof label, "file page, round %d", round);
        touch(label, fd, size);
        close(fd);
        unlink(path);
        snprintf(label, sizeof label, "anonymous page, round %d", round);
        touch(label, -1, size);
    }
    return 0;
}
C
cc -O2 -o "$DIR/touch" "$DIR/touch.c"
"$DIR/touch" "$DIR"

/*
 * http-load.h: the HTTP load of coap-origin (-l), in the origin's own thread and epoll set (see
 * coap-origin.c). C keep-alive HTTP/1.1 connections to the gateway, one GET in flight on each (no
 * pipelining), the next sent as soon as a response is whole. Requests are formatted once, as wrk's
 * wrk.format("GET", path) does, and taken in turn over the origin's ports. A response is whole at
 * its Content-Length (both gateways send one; a response without it counts as an error). A
 * connection that fails is counted and replaced.
 */
#include <fcntl.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <time.h>

#define LOAD_MAX_CONNS 1024
#define LOAD_BUF 8192
#define LOAD_TAG (1ULL << 32) /* epoll data of a load connection: LOAD_TAG | its index */

struct load_conn {
    int fd;
    int len;
    char in[LOAD_BUF];
};

static struct {
    int port, conns, seconds, running, nreq, next;
    const char *prefix;
    char **requests;
    int *lengths;
    struct load_conn *c;
    double start;
    long ok, bad, errors, served;
} load = {.conns = 32, .seconds = 5, .prefix = "/hc/"};

static double load_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* One request per origin port. */
static int load_prepare(const int *ports, int n) {
    load.requests = calloc((size_t) n, sizeof *load.requests);
    load.lengths = calloc((size_t) n, sizeof *load.lengths);
    load.c = calloc((size_t) load.conns, sizeof *load.c);
    if (load.requests == NULL || load.lengths == NULL || load.c == NULL) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        load.requests[i] = malloc(512);
        if (load.requests[i] == NULL) {
            return -1;
        }
        load.lengths[i] = snprintf(load.requests[i], 512, "GET %scoap://127.0.0.1:%d/hello HTTP/1.1\r\nHost: "
                "127.0.0.1:%d\r\n\r\n", load.prefix, ports[i], load.port);
        if (load.lengths[i] >= 512) {
            return -1;
        }
    }
    for (int i = 0; i < load.conns; i++) {
        load.c[i].fd = -1;
    }
    load.nreq = n;
    return 0;
}

static int load_connect(int ep, int i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t) load.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) { /* blocking: before the clock starts */
        perror("coap-origin: load connect");
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LOAD_TAG | (uint64_t) i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    load.c[i].fd = fd;
    load.c[i].len = 0;
    return 0;
}

/* Sends connection i's next request (a hundred bytes into an idle connection: sent whole, or failed). */
static int load_send(int i) {
    int r = load.next;
    load.next = (load.next + 1) % load.nreq;
    return send(load.c[i].fd, load.requests[r], (size_t) load.lengths[r], MSG_NOSIGNAL) == load.lengths[r] ? 0 : -1;
}

static void load_close(int i) {
    if (load.c[i].fd >= 0) {
        close(load.c[i].fd); /* leaves the epoll set with it */
        load.c[i].fd = -1;
    }
}

/* Connection i is closed (by the gateway, or failed): a new one takes its place while the load runs. */
static void load_replace(int ep, int i) {
    load_close(i);
    while (load.running && (load_connect(ep, i) < 0 || load_send(i) < 0)) {
        load.errors++;
        load_close(i);
        if (load_now() - load.start > load.seconds) {
            return;
        }
    }
}

/*
 * The length of the whole response at the start of b[0..len), head and Content-Length body; 0 while
 * it is incomplete, -1 when it is not a response or does not fit the buffer. Its status in *status.
 */
static int load_response(const char *b, int len, int *status) {
    const char *end = memmem(b, (size_t) len, "\r\n\r\n", 4);
    if (end == NULL) {
        return len < LOAD_BUF ? 0 : -1;
    }
    if (end - b < 12 || memcmp(b, "HTTP/1.", 7) != 0 || b[8] != ' ') {
        return -1;
    }
    *status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    long body = -1;
    const char *p = memmem(b, (size_t) (end + 2 - b), "\r\n", 2) + 2; /* the first header line */
    while (p < end + 2) {
        const char *eol = memmem(p, (size_t) (end + 4 - p), "\r\n", 2);
        if (eol - p > 15 && strncasecmp(p, "content-length:", 15) == 0) {
            body = strtol(p + 15, NULL, 10);
        }
        p = eol + 2;
    }
    long whole = end + 4 - b + body;
    if (body < 0 || whole > LOAD_BUF) {
        return -1;
    }
    return whole <= len ? (int) whole : 0;
}

/* Connection i is readable: counts the responses that are whole and sends the next request. */
static void load_readable(int ep, int i) {
    struct load_conn *c = &load.c[i];
    ssize_t n = read(c->fd, c->in + c->len, (size_t) (LOAD_BUF - c->len));
    if (n < 0 && errno == EAGAIN) {
        return;
    }
    if (n <= 0) {
        if (n < 0 || c->len > 0) {
            load.errors++; /* reset, or closed within a response */
        }
        load_replace(ep, i);
        return;
    }
    c->len += (int) n;
    int status, whole;
    while ((whole = load_response(c->in, c->len, &status)) > 0) {
        if (status / 100 == 2) {
            load.ok++;
        } else {
            load.bad++;
        }
        memmove(c->in, c->in + whole, (size_t) (c->len - whole));
        c->len -= whole;
        if (load.running && load_send(i) < 0) {
            load.errors++;
            load_replace(ep, i);
            return;
        }
    }
    if (whole < 0) {
        load.errors++;
        load_replace(ep, i);
    }
}

static int load_start(int ep) {
    load.ok = load.bad = load.errors = load.served = 0;
    for (int i = 0; i < load.conns; i++) {
        if (load_connect(ep, i) < 0) {
            return -1;
        }
    }
    load.running = 1;
    load.start = load_now();
    for (int i = 0; i < load.conns; i++) {
        if (load_send(i) < 0) {
            load.errors++;
            load_replace(ep, i);
        }
    }
    return 0;
}

/* Milliseconds to wait for events: until the load's end while it runs, else for ever. */
static int load_timeout(void) {
    if (!load.running) {
        return -1;
    }
    double left = load.start + load.seconds - load_now();
    return left <= 0 ? 0 : (int) (left * 1000) + 1;
}

/* Ends the load once its time is up: what was answered until then counts; prints the report line. */
static void load_check_end(void) {
    double elapsed = load_now() - load.start;
    if (!load.running || elapsed < load.seconds) {
        return;
    }
    load.running = 0;
    for (int i = 0; i < load.conns; i++) {
        load_close(i);
    }
    printf("load %ld %ld %ld %ld %.3f %ld\n", load.ok + load.bad, load.ok, load.bad, load.errors, elapsed, load.served);
    fflush(stdout);
}

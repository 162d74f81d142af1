/*
 * coap-origin: the CoAP origin of bench/gateway.sh, and by default its HTTP load too. One thread
 * serves N UDP ports (N origins: RFC 7252 §4.4 lets a client reuse a Message ID towards one endpoint
 * only after EXCHANGE_LIFETIME, so at tens of thousands of requests per second a gateway needs many
 * origin endpoints). Every readable socket is drained with recvmmsg and answered with sendmmsg, so
 * one wake-up of this thread serves every datagram that arrived meanwhile, on all ports.
 *
 * Each request (CON or NON, any method and path) is answered 2.05 Content, Content-Format
 * text/plain, payload "Hello World!": a CON by a piggybacked ACK (its Message ID and token), a NON
 * by a NON with this origin's own Message ID. Empty CONs (pings) get a RST; responses are ignored.
 *
 *   coap-origin [-a 127.0.0.1] [-n 8] [-p FIRST] [-l HTTP_PORT -x PREFIX -c 32 -d 5]
 * binds N ports (from FIRST upwards, skipping ports in use; ephemeral ports without -p), prints
 * "ports P1 P2 ..." once bound, then serves until its standard input closes.
 *
 * With -l, the same thread is also the HTTP load (http-load.h): on a line "go" on its standard
 * input it keeps C keep-alive HTTP/1.1 connections to the gateway on 127.0.0.1:HTTP_PORT busy for D
 * seconds, one GET in flight on each (no pipelining), PREFIX + "coap://127.0.0.1:PORT/hello" over
 * its ports in turn, then prints "load REQUESTS OK BAD ERRORS SECONDS SERVED" and goes on serving.
 * SERVED counts the CoAP requests it answered meanwhile: a check that each response came through
 * it. Load and origin in one thread: CPU 0 does not switch between two processes, as with wrk.
 *
 * gcc -O2 -Wall -o coap-origin coap-origin.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http-load.h"

#define MAX_PORTS 256
#define BURST 64
#define MTU 1500

static const char HELLO[] = "Hello World!";
static uint16_t next_mid = 1;

/* Writes the answer to the request in req[0..len) into out; its length, or 0 for none. */
static int respond(const uint8_t *req, int len, uint8_t *out) {
    if (len < 4 || req[0] >> 6 != 1) {
        return 0;
    }
    int type = req[0] >> 4 & 3, tkl = req[0] & 15;
    if (type > 1 || tkl > 8 || len < 4 + tkl) {
        return 0; /* ACK, RST, or not a message */
    }
    if (req[1] == 0) {
        if (type != 0) {
            return 0;
        }
        out[0] = 0x70; /* RST to a ping */
        out[1] = 0;
        out[2] = req[2];
        out[3] = req[3];
        return 4;
    }
    if (req[1] >> 5 != 0) {
        return 0; /* not a request */
    }
    out[0] = (uint8_t) (0x40 | (type == 0 ? 0x20 : 0x10) | tkl); /* ACK to a CON, NON to a NON */
    out[1] = 0x45; /* 2.05 */
    if (type == 0) {
        out[2] = req[2];
        out[3] = req[3];
    } else {
        out[2] = (uint8_t) (next_mid >> 8);
        out[3] = (uint8_t) next_mid;
        next_mid++;
    }
    memcpy(out + 4, req + 4, tkl);
    int n = 4 + tkl;
    out[n++] = 0xC0; /* Content-Format (12), empty: text/plain */
    out[n++] = 0xFF;
    memcpy(out + n, HELLO, sizeof HELLO - 1);
    return n + (int) sizeof HELLO - 1;
}

static void serve(int fd) {
    static uint8_t in[BURST][MTU], out[BURST][MTU];
    static struct sockaddr_storage from[BURST];
    static struct iovec iin[BURST], iout[BURST];
    static struct mmsghdr rx[BURST], tx[BURST];
    for (int i = 0; i < BURST; i++) {
        iin[i] = (struct iovec) {in[i], MTU};
        rx[i].msg_hdr = (struct msghdr) {.msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iin[i],
                .msg_iovlen = 1};
    }
    for (;;) {
        for (int i = 0; i < BURST; i++) {
            rx[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        int got = recvmmsg(fd, rx, BURST, MSG_DONTWAIT, NULL);
        if (got <= 0) {
            return;
        }
        int k = 0;
        for (int i = 0; i < got; i++) {
            int n = respond(in[i], (int) rx[i].msg_len, out[k]);
            if (n > 0) {
                iout[k] = (struct iovec) {out[k], (size_t) n};
                tx[k].msg_hdr = (struct msghdr) {.msg_name = &from[i], .msg_namelen = rx[i].msg_hdr.msg_namelen,
                        .msg_iov = &iout[k], .msg_iovlen = 1};
                k++;
            }
        }
        if (load.running) {
            load.served += k;
        }
        for (int sent = 0; sent < k;) {
            int s = sendmmsg(fd, tx + sent, (unsigned) (k - sent), 0);
            if (s <= 0) {
                break; /* UDP: what cannot be sent is lost */
            }
            sent += s;
        }
        if (got < BURST) {
            return;
        }
    }
}

int main(int argc, char **argv) {
    const char *addr = "127.0.0.1";
    int ports = 8, first = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-a") == 0) {
            addr = argv[i + 1];
        } else if (strcmp(argv[i], "-n") == 0) {
            ports = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "-p") == 0) {
            first = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "-l") == 0) {
            load.port = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "-x") == 0) {
            load.prefix = argv[i + 1];
        } else if (strcmp(argv[i], "-c") == 0) {
            load.conns = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "-d") == 0) {
            load.seconds = atoi(argv[i + 1]);
        }
    }
    if (ports < 1 || ports > MAX_PORTS) {
        fprintf(stderr, "coap-origin: -n must be 1..%d\n", MAX_PORTS);
        return 2;
    }
    if (load.port != 0 && (load.port < 1 || load.port > 65535 || load.conns < 1 || load.conns > LOAD_MAX_CONNS
            || load.seconds < 1)) {
        fprintf(stderr, "coap-origin: -l must be a port, -c 1..%d, -d at least 1\n", LOAD_MAX_CONNS);
        return 2;
    }
    int bound[MAX_PORTS];
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev); /* standard input closed: stop */
    printf("ports");
    for (int i = 0; i < ports; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t sl = sizeof sa;
        if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
            perror("coap-origin");
            return 1;
        }
        for (;;) {
            sa.sin_port = htons((uint16_t) (first > 0 ? first++ : 0));
            if (bind(fd, (struct sockaddr *) &sa, sizeof sa) == 0) {
                break;
            }
            if (errno != EADDRINUSE || first == 0 || first > 65535) {
                perror("coap-origin: bind");
                return 1;
            }
        }
        if (getsockname(fd, (struct sockaddr *) &sa, &sl) < 0) {
            perror("coap-origin");
            return 1;
        }
        ev = (struct epoll_event) {.events = EPOLLIN, .data.u64 = (uint64_t) fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        bound[i] = ntohs(sa.sin_port);
        printf(" %d", bound[i]);
    }
    printf("\n");
    fflush(stdout);
    if (load.port != 0 && load_prepare(bound, ports) < 0) {
        fprintf(stderr, "coap-origin: cannot prepare the load\n");
        return 1;
    }
    struct epoll_event ready[MAX_PORTS + 1];
    for (;;) {
        int n = epoll_wait(ep, ready, MAX_PORTS + 1, load_timeout());
        if (n < 0 && errno != EINTR) {
            perror("coap-origin: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            uint64_t d = ready[i].data.u64;
            if (d & LOAD_TAG) {
                load_readable(ep, (int) (d & 0xFFFFFFFF));
            } else if (d == 0) {
                char b[64];
                ssize_t r = read(0, b, sizeof b);
                if (r <= 0) {
                    return 0;
                }
                if (load.port != 0 && !load.running && b[0] == 'g' && load_start(ep) < 0) {
                    return 1; /* "go": the gateway is not there */
                }
            } else {
                serve((int) d);
            }
        }
        load_check_end();
    }
}

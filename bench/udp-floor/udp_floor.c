// The kernel's floor under a forwarder on this machine: the sender's CPU per 1200-byte UDP datagram sent over
// loopback to N sockets drained by a separate receiver process waiting in epoll (like the load generator's
// subscribers), at the benchmark's rate (N x 260 datagrams/s: 2.5 Mbit/s to each). No crypto, no forwarding logic:
// what is left is what any forwarder pays per child packet here. Modes: sendto (one syscall per datagram) and
// sendmmsg (one syscall per source packet, a batch of N). Build: gcc -O2 -o udp_floor udp_floor.c
// Usage: udp_floor N SECONDS MODE(sendto|sendmmsg)   -> one JSON line
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: udp_floor N SECONDS sendto|sendmmsg\n"); return 2; }
  int n = atoi(argv[1]); double seconds = atof(argv[2]); int mmsg = strcmp(argv[3], "sendmmsg") == 0;
  int *rx = calloc(n, sizeof(int)); struct sockaddr_in *to = calloc(n, sizeof(*to));
  for (int i = 0; i < n; i++) {
    rx[i] = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(rx[i], (struct sockaddr *)&a, sizeof a); socklen_t l = sizeof a; getsockname(rx[i], (struct sockaddr *)&a, &l); to[i] = a;
  }
  pid_t child = fork();
  if (child == 0) { // receiver: one epoll over all sockets, drain what is readable
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) { struct epoll_event e = { .events = EPOLLIN, .data.fd = rx[i] }; epoll_ctl(ep, EPOLL_CTL_ADD, rx[i], &e); }
    char buf[2048]; struct epoll_event ev[256];
    for (;;) { int k = epoll_wait(ep, ev, 256, -1); for (int j = 0; j < k; j++) while (recv(ev[j].data.fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {} }
  }
  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  char payload[1200]; memset(payload, 0x80, sizeof payload);
  struct mmsghdr *msgs = calloc(n, sizeof(*msgs)); struct iovec iov = { payload, sizeof payload };
  for (int i = 0; i < n; i++) { msgs[i].msg_hdr.msg_name = &to[i]; msgs[i].msg_hdr.msg_namelen = sizeof to[i]; msgs[i].msg_hdr.msg_iov = &iov; msgs[i].msg_hdr.msg_iovlen = 1; }
  double interval = 1.0 / 260, start = now(), next = start; long sent = 0;
  struct rusage r0, r1; getrusage(RUSAGE_SELF, &r0);
  while (now() - start < seconds) {
    if (mmsg) { int done = 0; while (done < n) { int k = sendmmsg(tx, msgs + done, n - done, 0); if (k <= 0) break; done += k; } sent += done; }
    else for (int i = 0; i < n; i++) if (sendto(tx, payload, sizeof payload, 0, (struct sockaddr *)&to[i], sizeof to[i]) > 0) sent++;
    next += interval; double wait = next - now(); if (wait > 0) { struct timespec t = { 0, (long)(wait * 1e9) }; nanosleep(&t, 0); }
  }
  getrusage(RUSAGE_SELF, &r1); double elapsed = now() - start;
  double cpu = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6
             + (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
  kill(child, SIGKILL); waitpid(child, 0, 0);
  double us = cpu / sent * 1e6;
  printf("{\"mode\":\"%s\",\"subscribers\":%d,\"datagrams\":%ld,\"senderCpuPercent\":%.1f,\"usPerDatagram\":%.2f,\"subscribersPerCoreCeiling\":%.0f}\n",
         argv[3], n, sent, cpu / elapsed * 100, us, 1e6 / us / 260);
  return 0;
}

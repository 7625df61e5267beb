/* demos.c — runs the built demo programs against loopback peers and checks what they print and
 * send. */
#define _GNU_SOURCE
#include "lab.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LAB_BIN_DIR
#error "build with -DLAB_BIN_DIR=\"build/<impl>/bin\""
#endif

#define WAIT_MS 3000
#define OUTPUT_MAX 65536

struct demo {
    pid_t pid;
    int out;                 /* the program's stdout and stderr */
    char output[OUTPUT_MAX]; /* everything read from it so far */
    size_t used;
    char command[512];
};

/* Starts LAB_BIN_DIR/<name> with up to four arguments (NULL-terminated). */
static void demo_start(struct demo *d, const char *name, const char *a1, const char *a2,
                       const char *a3, const char *a4)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", LAB_BIN_DIR, name);
    LAB_SETUP(access(path, X_OK) == 0, lab_fmt("the demo %s was not built (make demos)", path));
    char *argv[] = {path, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
    memset(d, 0, sizeof *d);
    snprintf(d->command, sizeof d->command, "%s %s %s %s %s", name, a1 ? a1 : "", a2 ? a2 : "",
             a3 ? a3 : "", a4 ? a4 : "");
    d->pid = lab_spawn(argv, &d->out);
}

/* Reads the next output line into the transcript and returns it ("" if none in time). */
static const char *demo_line(struct demo *d)
{
    char *line = d->output + d->used;
    ssize_t n = lab_read_line(d->out, line, sizeof d->output - d->used, WAIT_MS);
    if (n <= 0)
        return "";
    d->used += (size_t)n;
    return line;
}

/* Waits for the program to exit, collecting the rest of its output; returns the wait status. */
static int demo_finish(struct demo *d)
{
    ssize_t n =
        lab_read_until_eof(d->out, d->output + d->used, sizeof d->output - d->used - 1, WAIT_MS);
    if (n > 0)
        d->used += (size_t)n;
    d->output[d->used] = '\0';
    close(d->out);
    return lab_wait_peer(d->pid, WAIT_MS);
}

/* Asks a server demo to stop (SIGTERM) and waits for it. */
static int demo_stop(struct demo *d)
{
    kill(d->pid, SIGTERM);
    return demo_finish(d);
}

/* The port of a first line "... 127.0.0.1:PORT ..." printed by a server demo. */
static uint16_t port_in(struct demo *d, const char *line)
{
    const char *colon = strrchr(line, ':');
    long port = colon ? strtol(colon + 1, NULL, 10) : 0;
    LAB_ASSERT(
        port > 0 && port < 65536, d->command,
        LAB_TR("a first line naming the address it listens on, ending in :PORT",
               "第一行给出监听的地址，以 :端口 结尾"),
        lab_escape_str(line),
        LAB_TR("print the endpoint after listen() succeeded (local_endpoint), and flush stdout",
               "listen() 成功后打印端点（local_endpoint），并刷新 stdout"));
    return (uint16_t)port;
}

static const char *status_text(int status)
{
    if (status == -1)
        return LAB_TR("still running after 3 s (killed)", "3 秒后仍在运行（已结束）");
    if (WIFEXITED(status))
        return lab_fmt(LAB_TR("exit status %d", "退出状态 %d"), WEXITSTATUS(status));
    return lab_fmt(LAB_TR("killed by signal %d", "被信号 %d 结束"), WTERMSIG(status));
}

static void assert_exit(struct demo *d, int status, int want)
{
    LAB_ASSERT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == want, d->command,
               lab_fmt(LAB_TR("exit status %d", "退出状态 %d"), want), status_text(status),
               lab_fmt(LAB_TR("output was %s", "输出是 %s"), lab_escape(d->output, d->used)));
}

static void assert_output_has(struct demo *d, const char *want, const char *hint)
{
    LAB_ASSERT(memmem(d->output, d->used, want, strlen(want)) != NULL, d->command,
               lab_fmt(LAB_TR("output containing %s", "输出包含 %s"), lab_escape_str(want)),
               lab_escape(d->output, d->used), hint);
}

/* accept() for a peer thread, bounded: -1 when no demo connects in time. */
static int accept_within(int listener)
{
    if (!lab_wait_readable(listener, WAIT_MS))
        return -1;
    return accept(listener, NULL, NULL);
}

/* ---- greeting-server / greeting-client (documents 000, 001) ------------------------------- */

static void greeting_round_trip(struct demo *server, uint16_t port)
{
    static const char greeting[] = "测试成功！\n";
    char got[64];
    int fd = lab_tcp_connect(port);
    size_t n = lab_read_exact(fd, got, strlen(greeting), WAIT_MS);
    LAB_ASSERT_BYTES(server->command, got, n, greeting, strlen(greeting),
                     LAB_TR("the server sends its greeting first", "服务端先发送问候语"));
    lab_write_all(fd, "hello \r\n", 8);
    ssize_t rest = lab_read_until_eof(fd, got, sizeof got, WAIT_MS);
    LAB_ASSERT(rest == 0, server->command, LAB_TR("EOF after the greeting", "问候语之后是 EOF"),
               rest < 0 ? LAB_TR("no EOF in time", "没有及时收到 EOF")
                        : lab_escape(got, (size_t)rest),
               LAB_TR("close each client after reading its message", "读完消息后关闭这个客户端"));
    close(fd);
}

LAB_TEST(test_greeting_server_document_example, 3)
{
    struct demo server;
    demo_start(&server, "greeting-server", "127.0.0.1", "0", "2", NULL);
    uint16_t port = port_in(&server, demo_line(&server));
    greeting_round_trip(&server, port);
    greeting_round_trip(&server, port);
    int status = demo_finish(&server);
    assert_exit(&server, status, 0);
    const char *line = "收到的信息:hello \r\n\n";
    const char *first = memmem(server.output, server.used, line, strlen(line));
    LAB_ASSERT(first && memmem(first + 1, server.used - (size_t)(first + 1 - server.output), line,
                               strlen(line)),
               server.command, lab_fmt(LAB_TR("%s twice", "两次 %s"), lab_escape_str(line)),
               lab_escape(server.output, server.used),
               LAB_TR("serve_greetings logs each client's message to stdout",
                      "serve_greetings 把每个客户端的消息记录到 stdout"));
}

static void *greeting_peer(void *arg)
{
    int listener = *(int *)arg;
    char request[16];
    int conn = accept_within(listener);
    if (conn < 0)
        return NULL;
    lab_write_all(conn, "测试成功！\n", strlen("测试成功！\n"));
    size_t n = lab_read_exact(conn, request, 8, WAIT_MS);
    close(conn);
    return n == 8 && memcmp(request, "hello \r\n", 8) == 0 ? arg : NULL;
}

LAB_TEST(test_greeting_client_document_example, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 1);
    void *peer;
    lab_thread_start(greeting_peer, &listener, &peer);
    struct demo client;
    demo_start(&client, "greeting-client", "127.0.0.1", lab_fmt("%u", port), NULL, NULL);
    int status = demo_finish(&client);
    void *ok = lab_thread_join(peer);
    assert_exit(&client, status, 0);
    LAB_ASSERT(ok != NULL, client.command,
               LAB_TR("the request \"hello \\r\\n\"", "请求 \"hello \\r\\n\""),
               LAB_TR("something else, or nothing", "别的内容，或什么都没有"),
               LAB_TR("the default message is the documents' \"hello \\r\\n\"",
                      "默认消息是文档里的 \"hello \\r\\n\""));
    LAB_ASSERT_BYTES(client.command, client.output, client.used, "接受的内容为:测试成功！\n",
                     strlen("接受的内容为:测试成功！\n"),
                     LAB_TR("print each chunk read, after the document's prefix",
                            "按文档的前缀打印读到的每一块数据"));
    close(listener);
}

LAB_TEST(test_greeting_client_refused, 1)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    struct demo client;
    demo_start(&client, "greeting-client", "127.0.0.1", lab_fmt("%u", port), NULL, NULL);
    int status = demo_finish(&client);
    LAB_ASSERT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) != 0, client.command,
               LAB_TR("a non-zero exit status", "非零的退出状态"), status_text(status),
               LAB_TR("a program that failed must say so in its exit status",
                      "失败的程序要用退出状态表明失败"));
    assert_output_has(&client, "Connection refused",
                      LAB_TR("print why: strerror(errno)", "打印原因：strerror(errno)"));
    close(holder);
}

LAB_TEST(test_greeting_server_bad_arguments, 1)
{
    struct demo server;
    demo_start(&server, "greeting-server", "127.0.0.1", "70000", NULL, NULL);
    assert_exit(&server, demo_finish(&server), 2);
    assert_output_has(&server, "70000", LAB_TR("name the bad argument", "指出错误的参数"));
    demo_start(&server, "greeting-server", "300.1.1.1", "0", NULL, NULL);
    assert_exit(&server, demo_finish(&server), 1);
    assert_output_has(
        &server, "Invalid argument",
        LAB_TR("a host that is not a dotted quad is EINVAL", "不是点分四段的主机是 EINVAL"));
}

/* ---- prefix-server / prefix-client (document 002) ------------------------------------------ */

LAB_TEST(test_prefix_server_document_example, 2)
{
    struct demo server;
    demo_start(&server, "prefix-server", "127.0.0.1", "0", NULL, NULL);
    const char *first = demo_line(&server);
    uint16_t port =
        port_in(&server, strstr(first, "127.0.0.1:") ? strstr(first, "127.0.0.1:") : first);
    LAB_ASSERT(strncmp(first, "Binding the socket on 127.0.0.1:", 32) == 0, server.command,
               "\"Binding the socket on 127.0.0.1:PORT ... \\n\"", lab_escape_str(first),
               LAB_TR("print the document's first line", "打印文档中的第一行"));
    for (int round = 0; round < 2; round++) {
        char reply[64];
        int fd = lab_tcp_connect(port);
        lab_write_all(fd, "hello \n", 7);
        shutdown(fd, SHUT_WR);
        ssize_t n = lab_read_until_eof(fd, reply, sizeof reply, WAIT_MS);
        close(fd);
        LAB_ASSERT_BYTES(server.command, reply, n < 0 ? 0 : (size_t)n, "数据是 hello \n",
                         strlen("数据是 hello \n"),
                         LAB_TR("after the client half-closes, answer \"数据是 \" + its data",
                                "客户端半关闭后，回复 \"数据是 \" 加上它的数据"));
    }
    demo_stop(&server);
}

static void *prefix_peer(void *arg)
{
    int listener = *(int *)arg;
    char request[64];
    int conn = accept_within(listener);
    if (conn < 0)
        return NULL;
    /* As document 002's server: read until EOF — only a half-close ends this. */
    ssize_t n = lab_read_until_eof(conn, request, sizeof request, WAIT_MS);
    if (n >= 0) {
        lab_write_all(conn, "数据是 ", strlen("数据是 "));
        lab_write_all(conn, request, (size_t)n);
    }
    close(conn);
    return n >= 0 ? arg : NULL;
}

LAB_TEST(test_prefix_client_document_example, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 1);
    void *peer;
    lab_thread_start(prefix_peer, &listener, &peer);
    struct demo client;
    demo_start(&client, "prefix-client", "127.0.0.1", lab_fmt("%u", port), NULL, NULL);
    int status = demo_finish(&client);
    lab_thread_join(peer);
    assert_exit(&client, status, 0);
    assert_output_has(&client, "接受内容为：数据是 hello \n \n",
                      LAB_TR("send \"hello \\n\", half-close, print the whole reply",
                             "发送 \"hello \\n\"，半关闭，打印完整的回复"));
    close(listener);
}

/* ---- ack-server / ack-client (document 004) ------------------------------------------------- */

LAB_TEST(test_ack_server_two_clients_at_once, 3)
{
    struct demo server;
    demo_start(&server, "ack-server", "127.0.0.1", "0", NULL, NULL);
    uint16_t port = port_in(&server, demo_line(&server));
    int a = lab_tcp_connect(port), b = lab_tcp_connect(port);
    char got[64];
    /* Both are greeted before either says anything: the server serves them at once. */
    for (int i = 0; i < 2; i++) {
        int fd = i ? b : a;
        size_t n = lab_read_exact(fd, got, 8, WAIT_MS);
        LAB_ASSERT_BYTES(server.command, got, n, "Connect\n", 8,
                         LAB_TR("every client is greeted at once, even while another is connected",
                                "每个客户端都立即收到问候，即使另一个客户端已连接"));
    }
    lab_write_all(b, "SOME data\n", 10);
    lab_write_all(a, "SOME data\n", 10);
    for (int i = 0; i < 2; i++) {
        int fd = i ? b : a;
        size_t n = lab_read_exact(fd, got, 21, WAIT_MS);
        LAB_ASSERT_BYTES(server.command, got, n, "Information received\n", 21,
                         LAB_TR("answer each line with \"Information received\\n\"",
                                "对每一行回复 \"Information received\\n\""));
    }
    close(a);
    close(b);
    int status = demo_stop(&server);
    assert_exit(&server, status, 0);
    assert_output_has(&server, "Buffer: SOME data\n",
                      LAB_TR("print \"Buffer: <line>\" per line", "每行打印 \"Buffer: <line>\""));
}

static void *ack_peer(void *arg)
{
    int listener = *(int *)arg;
    char line[64];
    int conn = accept_within(listener);
    if (conn < 0)
        return NULL;
    lab_write_all(conn, "Connect\n", 8);
    size_t n = lab_read_exact(conn, line, 10, WAIT_MS);
    if (n == 10)
        lab_write_all(conn, "Information received\n", 21);
    lab_read_until_eof(conn, line, sizeof line, WAIT_MS); /* the client half-closes */
    close(conn);
    return n == 10 && memcmp(line, "SOME data\n", 10) == 0 ? arg : NULL;
}

LAB_TEST(test_ack_client_document_example, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 1);
    void *peer;
    lab_thread_start(ack_peer, &listener, &peer);
    struct demo client;
    demo_start(&client, "ack-client", "127.0.0.1", lab_fmt("%u", port), NULL, NULL);
    int status = demo_finish(&client);
    void *ok = lab_thread_join(peer);
    assert_exit(&client, status, 0);
    LAB_ASSERT(ok != NULL, client.command, "\"SOME data\\n\"",
               LAB_TR("another request, or none", "别的请求，或没有请求"),
               LAB_TR("send document 004's line \"SOME data\\n\"",
                      "发送文档 004 中的一行 \"SOME data\\n\""));
    const char *want =
        "Buffer Data: Connect\n\nWriting to socket\n"
        "sent to Server:some data\n response from server is:Information received\n\n";
    LAB_ASSERT_BYTES(
        client.command, client.output, client.used, want, strlen(want),
        LAB_TR("print what document 004's client prints", "打印文档 004 客户端打印的内容"));
    close(listener);
}

/* ---- stream-server / stream-client (document 003) ------------------------------------------- */

LAB_TEST(test_stream_demos_document_example, 3)
{
    struct demo server, client;
    demo_start(&server, "stream-server", "tcp://127.0.0.1:0", NULL, NULL, NULL);
    uint16_t port = port_in(&server, demo_line(&server));
    demo_start(&client, "stream-client", lab_fmt("tcp://127.0.0.1:%u", port), NULL, NULL, NULL);
    int client_status = demo_finish(&client);
    assert_exit(&client, client_status, 0);
    LAB_ASSERT_BYTES(
        client.command, client.output, client.used, "11\n", 3,
        LAB_TR("fwrite() of \"hello world\" reports 11", "fwrite() \"hello world\" 报告 11"));
    const char *peer = demo_line(&server);
    LAB_ASSERT(strncmp(peer, "127.0.0.1:", 10) == 0 && atoi(peer + 10) > 0, server.command,
               LAB_TR("the peer as 127.0.0.1:<port>", "对端地址 127.0.0.1:<端口>"),
               lab_escape_str(peer),
               LAB_TR("print the address stream_socket_accept() reported",
                      "打印 stream_socket_accept() 报告的地址"));
    int server_status = demo_finish(&server);
    assert_exit(&server, server_status, 0);
    assert_output_has(&server, "hello world\n",
                      LAB_TR("print what the client sent", "打印客户端发来的内容"));
}

LAB_TEST(test_stream_client_refused, 1)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    struct demo client;
    demo_start(&client, "stream-client", lab_fmt("tcp://127.0.0.1:%u", port), NULL, NULL, NULL);
    int status = demo_finish(&client);
    assert_exit(&client, status, 1);
    assert_output_has(&client, "Connection refused",
                      LAB_TR("print err_msg from stream_socket_client()",
                             "打印 stream_socket_client() 给出的 err_msg"));
    close(holder);
}

/* ---- udp-echo-server / udp-echo-client (lesson 10) ------------------------------------------ */

/* The test's own UDP socket on 127.0.0.1 sends @p text to @p port and expects it echoed. */
static void udp_echo_round_trip(struct demo *server, uint16_t port, const char *text)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = lab_udp_socket(NULL);
    LAB_SETUP(sendto(fd, text, strlen(text), 0, (struct sockaddr *)&to, sizeof to) ==
                  (ssize_t)strlen(text),
              "sendto() to the UDP echo server");
    char got[256];
    ssize_t n = lab_wait_readable(fd, WAIT_MS) ? recv(fd, got, sizeof got, MSG_DONTWAIT) : -1;
    LAB_ASSERT_BYTES(server->command, got, n < 0 ? 0 : (size_t)n, text, strlen(text),
                     LAB_TR("the server sends every datagram back to its sender",
                            "服务端把每个数据报发回给它的发送方"));
    close(fd);
}

LAB_TEST(test_udp_echo_demos_round_trip, 3)
{
    struct demo server, client;
    demo_start(&server, "udp-echo-server", "127.0.0.1", "0", "2", NULL);
    uint16_t port = port_in(&server, demo_line(&server));
    demo_start(&client, "udp-echo-client", "127.0.0.1", lab_fmt("%u", port), NULL, NULL);
    int client_status = demo_finish(&client);
    assert_exit(&client, client_status, 0);
    const char *want = lab_fmt("received 9 bytes from 127.0.0.1:%u: hello udp\n", port);
    LAB_ASSERT_BYTES(client.command, client.output, client.used, want, strlen(want),
                     LAB_TR("send \"hello udp\", print the echo and who sent it",
                            "发送 \"hello udp\"，打印回显和它的发送方"));
    udp_echo_round_trip(&server, port, "second datagram");
    int server_status = demo_finish(&server);
    assert_exit(&server, server_status, 0);
    assert_output_has(&server, "echoed 2 datagrams\n",
                      LAB_TR("stop after MAX datagrams and say how many were echoed",
                             "处理完 MAX 个数据报后停止，并说明回显了多少个"));
}

LAB_TEST(test_udp_echo_client_refused, 1)
{
    /* A UDP port where nobody receives: the holder is connected to itself, so the kernel
     * answers datagrams from anyone else with ICMP "port unreachable". */
    uint16_t port;
    int holder = lab_udp_socket(&port);
    struct sockaddr_in self = {.sin_family = AF_INET, .sin_port = htons(port)};
    self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LAB_SETUP(connect(holder, (struct sockaddr *)&self, sizeof self) == 0,
              "connect() of the holder of a closed UDP port");
    struct demo client;
    demo_start(&client, "udp-echo-client", "127.0.0.1", lab_fmt("%u", port), NULL, NULL);
    int status = demo_finish(&client);
    assert_exit(&client, status, 1);
    assert_output_has(
        &client, "Connection refused",
        LAB_TR("a connected UDP socket hears of the ICMP error: print strerror(errno)",
               "已连接的 UDP socket 会知道这个 ICMP 错误：打印 strerror(errno)"));
    close(holder);
}

/* ---- worker-demo (lesson 11, document 002's front end and worker) --------------------------- */

LAB_TEST(test_worker_demo_uppercases_lines, 2)
{
    struct demo worker;
    demo_start(&worker, "worker-demo", "hello world", "SOME data", NULL, NULL);
    int status = demo_finish(&worker);
    assert_exit(&worker, status, 0);
    assert_output_has(
        &worker, "sent:  hello world\nreply: HELLO WORLD\n",
        LAB_TR("the worker answers each line in upper case", "工作进程把每一行转成大写后回答"));
    assert_output_has(&worker, "sent:  SOME data\nreply: SOME DATA\n",
                      LAB_TR("one answer per line, in order", "每行一个回答，按顺序"));
    assert_output_has(&worker, "exited with status 2\n",
                      LAB_TR("closing the front end's end lets the worker exit; its status is "
                             "the number of lines it answered",
                             "前端关闭自己那一端后工作进程才退出；它的退出状态是回答过的行数"));
}

LAB_TEST(test_worker_demo_default_lines, 1)
{
    struct demo worker;
    demo_start(&worker, "worker-demo", NULL, NULL, NULL, NULL);
    int status = demo_finish(&worker);
    assert_exit(&worker, status, 0);
    assert_output_has(
        &worker, "reply: 测试成功！\n",
        LAB_TR("bytes that are not ASCII letters pass unchanged", "不是 ASCII 字母的字节原样返回"));
    assert_output_has(&worker, "exited with status 3\n",
                      LAB_TR("three default lines, three answers", "三行默认输入，三个回答"));
}

/* ---- nodelay-bench (lesson 13) ------------------------------------------------------------- */

LAB_TEST(test_nodelay_bench_runs, 2)
{
    struct demo bench;
    /* 20 fast round trips, 3 slow ones (about 40 ms each): well under a second. */
    demo_start(&bench, "nodelay-bench", "20", "3", NULL, NULL);
    int status = demo_finish(&bench);
    assert_exit(&bench, status, 0);
    assert_output_has(&bench, "two writes (10 + 10 bytes), Nagle on",
                      LAB_TR("a row for the write-write-read case with Nagle on",
                             "有一行是 Nagle 打开时的 写-写-读 情况"));
    assert_output_has(&bench, "two writes (10 + 10 bytes), TCP_NODELAY",
                      LAB_TR("a row for the same requests with TCP_NODELAY",
                             "有一行是打开 TCP_NODELAY 后的同样请求"));
    assert_output_has(&bench, "median ratio, Nagle / TCP_NODELAY: ",
                      LAB_TR("print the ratio of the medians", "打印两个中位数之比"));
}

LAB_TEST(test_nodelay_bench_bad_arguments, 1)
{
    struct demo bench;
    demo_start(&bench, "nodelay-bench", "0", NULL, NULL, NULL);
    assert_exit(&bench, demo_finish(&bench), 2);
    assert_output_has(&bench, "\"0\"", LAB_TR("name the bad argument", "指出错误的参数"));
    demo_start(&bench, "nodelay-bench", "10", "many", NULL, NULL);
    assert_exit(&bench, demo_finish(&bench), 2);
    assert_output_has(&bench, "many", LAB_TR("name the bad argument", "指出错误的参数"));
}

/* The same exchange on lesson 14's poll() loop. */
LAB_TEST(test_ack_server_poll_two_clients_at_once, 1)
{
    struct demo server;
    demo_start(&server, "ack-server", "127.0.0.1", "0", "poll", NULL);
    uint16_t port = port_in(&server, demo_line(&server));
    int a = lab_tcp_connect(port), b = lab_tcp_connect(port);
    char got[64];
    for (int i = 0; i < 2; i++) {
        size_t n = lab_read_exact(i ? b : a, got, 8, WAIT_MS);
        LAB_ASSERT_BYTES(server.command, got, n, "Connect\n", 8,
                         LAB_TR("every client is greeted at once, even while another is connected",
                                "每个客户端都立即收到问候，即使另一个客户端已连接"));
    }
    lab_write_all(b, "SOME data\n", 10);
    size_t n = lab_read_exact(b, got, 21, WAIT_MS);
    LAB_ASSERT_BYTES(server.command, got, n, "Information received\n", 21,
                     LAB_TR("answer each line with \"Information received\\n\"",
                            "对每一行回复 \"Information received\\n\""));
    close(a);
    close(b);
    assert_exit(&server, demo_stop(&server), 0);
}

/* ---- ack-server on epoll (lesson 14) -----------------------------------------------------------
 */

LAB_TEST(test_ack_server_epoll_two_clients_and_a_burst, 3)
{
    enum { LINES = 6, LINE_LEN = 1024, ACK_LEN = 21 };
    static char burst[LINES * LINE_LEN];
    static char want[LINES * ACK_LEN];
    char got[LINES * ACK_LEN];
    for (int i = 0; i < LINES; i++) {
        memset(burst + i * LINE_LEN, 'a', LINE_LEN - 1);
        burst[i * LINE_LEN + LINE_LEN - 1] = '\n';
        memcpy(want + i * ACK_LEN, "Information received\n", ACK_LEN);
    }
    struct demo server;
    demo_start(&server, "ack-server", "127.0.0.1", "0", "epoll", NULL);
    uint16_t port = port_in(&server, demo_line(&server));
    int a = lab_tcp_connect(port), b = lab_tcp_connect(port);
    /* Both are greeted before either says anything: the server serves them at once. */
    for (int i = 0; i < 2; i++) {
        size_t n = lab_read_exact(i ? b : a, got, 8, WAIT_MS);
        LAB_ASSERT_BYTES(server.command, got, n, "Connect\n", 8,
                         LAB_TR("every client is greeted at once, even while another is connected",
                                "每个客户端都立即收到问候，即使另一个客户端已连接"));
    }
    lab_write_all(a, "SOME data\n", 10);
    size_t n = lab_read_exact(a, got, ACK_LEN, WAIT_MS);
    LAB_ASSERT_BYTES(server.command, got, n, "Information received\n", ACK_LEN,
                     LAB_TR("answer each line with \"Information received\\n\"",
                            "对每一行回复 \"Information received\\n\""));
    /* 6 KiB of lines in one write: an edge-triggered server must read until EAGAIN. */
    lab_write_all(b, burst, sizeof burst);
    n = lab_read_exact(b, got, sizeof want, WAIT_MS);
    LAB_ASSERT_BYTES(server.command, got, n, want, sizeof want,
                     LAB_TR("6 answers to 6 lines sent at once: after each epoll event, read "
                            "until recv() fails with EAGAIN",
                            "对一次发来的 6 行给出 6 个应答：每个 epoll 事件之后都要读到 recv() "
                            "以 EAGAIN 失败"));
    close(a);
    close(b);
    int status = demo_stop(&server);
    assert_exit(&server, status, 0);
    assert_output_has(&server, "Buffer: SOME data\n",
                      LAB_TR("print \"Buffer: <line>\" per line", "每行打印 \"Buffer: <line>\""));
}

void lab_register_tests(void)
{
    LAB_ADD_TIMEOUT(test_greeting_server_document_example, 8.0);
    LAB_ADD_TIMEOUT(test_greeting_client_document_example, 8.0);
    LAB_ADD_TIMEOUT(test_greeting_client_refused, 8.0);
    LAB_ADD_TIMEOUT(test_greeting_server_bad_arguments, 8.0);
    LAB_ADD_TIMEOUT(test_prefix_server_document_example, 8.0);
    LAB_ADD_TIMEOUT(test_prefix_client_document_example, 8.0);
    LAB_ADD_TIMEOUT(test_ack_server_two_clients_at_once, 8.0);
    LAB_ADD_TIMEOUT(test_ack_client_document_example, 8.0);
    LAB_ADD_TIMEOUT(test_stream_demos_document_example, 8.0);
    LAB_ADD_TIMEOUT(test_stream_client_refused, 8.0);
    LAB_ADD_TIMEOUT(test_udp_echo_demos_round_trip, 8.0);
    LAB_ADD_TIMEOUT(test_udp_echo_client_refused, 8.0);
    LAB_ADD_TIMEOUT(test_worker_demo_uppercases_lines, 8.0);
    LAB_ADD_TIMEOUT(test_worker_demo_default_lines, 8.0);
    LAB_ADD_TIMEOUT(test_nodelay_bench_runs, 8.0);
    LAB_ADD_TIMEOUT(test_nodelay_bench_bad_arguments, 8.0);
    LAB_ADD_TIMEOUT(test_ack_server_epoll_two_clients_and_a_burst, 8.0);
    LAB_ADD_TIMEOUT(test_ack_server_poll_two_clients_at_once, 8.0);
}

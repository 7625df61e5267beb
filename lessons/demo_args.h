/* demo_args.h — parsing of the demo programs' numeric arguments (ports, counts). */
#ifndef LABS_DEMO_ARGS_H
#define LABS_DEMO_ARGS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/**
 * @file demo_args.h
 * \~english
 * @brief Parsing of the demos' numeric arguments: whole decimal numbers, range-checked.
 * \~chinese
 * @brief 解析演示程序的数字参数：十进制整数，检查范围。
 */

/**
 * \~english
 * @brief Parses a decimal number in [min, max] ("12000"; not "12k", "", "-1").
 * @param text  the argument.
 * @param min   smallest value accepted.
 * @param max   largest value accepted.
 * @param value receives the number.
 * @return 0, or -1 with errno = EINVAL when @p text is not such a number.
 * \~chinese
 * @brief 解析 [min, max] 范围内的十进制数（"12000" 可以；"12k"、""、"-1" 不行）。
 * @param text  要解析的命令行参数。
 * @param min   接受的最小值。
 * @param max   接受的最大值。
 * @param value 得到解析出的数。
 * @return 0；@p text 不是这样的数时返回 -1，errno = EINVAL。
 */
static inline int demo_parse_number(const char *text, long min, long max, long *value)
{
    char *end;
    errno = 0;
    long parsed = strtol(text, &end, 10);
    /* strtol accepts leading blanks and signs; a port or a count has neither. */
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || parsed < min ||
        parsed > max) {
        errno = EINVAL;
        return -1;
    }
    *value = parsed;
    return 0;
}

/**
 * \~english
 * @brief Parses a TCP/UDP port (0-65535), printing a message to stderr when it is not one.
 * @param program the program's name, for the message.
 * @param text    the argument.
 * @param port    receives the port, host byte order.
 * @return 0 or -1.
 * \~chinese
 * @brief 解析 TCP/UDP 端口（0-65535），不是端口时向 stderr 打印一条消息。
 * @param program 程序名，用在消息里。
 * @param text    要解析的命令行参数。
 * @param port    得到端口，主机字节序。
 * @return 0 或 -1。
 */
static inline int demo_parse_port(const char *program, const char *text, uint16_t *port)
{
    long value;
    if (demo_parse_number(text, 0, 65535, &value) < 0) {
        fprintf(stderr, "%s: \"%s\" is not a port (0-65535)\n", program, text);
        return -1;
    }
    *port = (uint16_t)value;
    return 0;
}

#endif

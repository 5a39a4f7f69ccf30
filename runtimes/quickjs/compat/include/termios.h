/* daylite: <termios.h> for wasm32-wasi, which has no terminals.
   tcgetattr/tcsetattr fail with ENOTTY; os.ttySetRaw becomes a no-op. */
#ifndef DAYLITE_WASI_TERMIOS_H
#define DAYLITE_WASI_TERMIOS_H
#include <errno.h>
typedef unsigned int tcflag_t;
typedef unsigned char cc_t;
#define NCCS 32
struct termios {
    tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
    cc_t c_cc[NCCS];
};
#define TCSANOW 0
#define IGNBRK 0001
#define BRKINT 0002
#define PARMRK 0010
#define ISTRIP 0040
#define INLCR 0100
#define IGNCR 0200
#define ICRNL 0400
#define IXON 02000
#define OPOST 0001
#define ECHO 0010
#define ECHONL 0100
#define ICANON 0002
#define ISIG 0001
#define IEXTEN 0100000
#define CSIZE 0060
#define PARENB 0400
#define CS8 0060
#define VMIN 6
#define VTIME 5
static inline int tcgetattr(int fd, struct termios *t) { (void)fd; (void)t; errno = ENOTTY; return -1; }
static inline int tcsetattr(int fd, int act, const struct termios *t) { (void)fd; (void)act; (void)t; errno = ENOTTY; return -1; }
#endif

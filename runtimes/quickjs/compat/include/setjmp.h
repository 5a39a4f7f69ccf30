/* daylite: wasi-libc (2022) has no <setjmp.h>. dtoa.c includes it but never
   calls setjmp/longjmp, so an empty header is enough. */
#ifndef DAYLITE_WASI_SETJMP_H
#define DAYLITE_WASI_SETJMP_H
#endif

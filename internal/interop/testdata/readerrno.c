/*
 * readerrno: an LD_PRELOAD shim that sets errno to 0 after every read(2)
 * that does not fail. POSIX leaves errno unspecified after a successful call,
 * so this is a behaviour a conforming C library may have; glibc leaves errno
 * untouched instead.
 *
 * Why: librvp 0.9.7 reads HTTP responses one byte at a time and, after a
 * successful read, tests errno == EAGAIN and discards the byte when it
 * matches. errno is stale there: any other nonblocking socket the main loop
 * read first (libpurple's D-Bus connection in finch, the X11 connection in
 * Pidgin) leaves EAGAIN behind, the first byte of the response ("H" of
 * "HTTP/1.1") is lost and librvp reports "Unexpected response from server"
 * or, after its timeout, "Server returned empty response". See doc.go.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

static ssize_t (*real_read)(int, void *, size_t);

ssize_t read(int fd, void *buf, size_t count)
{
	if (real_read == NULL)
		real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	ssize_t n = real_read(fd, buf, count);
	if (n >= 0)
		errno = 0;
	return n;
}

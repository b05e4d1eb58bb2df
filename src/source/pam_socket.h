/*
 * The daemon's end of the pam socket: a unix datagram socket that
 * pam_pamsignal.so and `pamsignal pam-hook` send to (pam/wire.h), and who
 * sent each datagram, as the kernel vouches for it.
 */
#ifndef PS_SOURCE_PAM_SOCKET_H
#define PS_SOURCE_PAM_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>

struct ps_pam_socket {
	int fd;
	/* The socket file bound, to remove only our own at close. With the
	 * change time: a freed inode number is soon given to the next file. */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	bool made_dir;  /* its directory was made for it, and goes with it */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/*
 * Bind a non-blocking datagram socket at path, creating its directory
 * (one level, 0755) if missing (and removing it again at close), and make
 * it writable by everyone (see the .c file for why). A socket file nobody
 * listens on any more is replaced; one that a live process is bound to is
 * left alone (-EADDRINUSE), and so is anything that is not a socket
 * (-EEXIST).
 * Returns 0 or a negative errno (-ENAMETOOLONG: longer than a socket
 * address holds).
 */
int ps_pam_socket_open(struct ps_pam_socket *s, const char *path);

/* Close the socket and remove its file, if the file is still the one it
 * bound; and the directory open made, if it is empty. */
void ps_pam_socket_close(struct ps_pam_socket *s);

/* Who sent a datagram: the kernel's SCM_CREDENTIALS. */
struct ps_pam_sender {
	bool known;   /* false: no credentials came with it (then it is not trusted) */
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/*
 * Receive one datagram into buf (cap bytes). Returns 1 with *len (the
 * datagram's real length: more than cap when it did not fit, and was cut)
 * and *from set; 0 when none is waiting; a negative errno on error. File
 * descriptors passed with a datagram are closed at once.
 */
int ps_pam_socket_recv(struct ps_pam_socket *s, void *buf, size_t cap, size_t *len, struct ps_pam_sender *from);

#endif

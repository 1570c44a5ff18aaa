// SPDX-License-Identifier: GPL-2.0
/*
 * Moving devices between their driver and smmubench.ko through sysfs:
 * driver_override picks the driver, drivers_probe makes the bus try it.
 *
 * Runs claim a device through flock()s in SB_CLAIM_DIR, so that two runs
 * started at once cannot interleave their moves: a run holds NAME.users
 * (shared for binds, exclusive otherwise) for as long as it uses the
 * device, and takes NAME.lock around every move. A refused run has taken
 * no lock it could undo and touches nothing. The kernel drops a dead
 * run's locks; the state file it leaves says where the device goes back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "smmubench/device.h"
#include "run_sysfs.h"

static int write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(val))
		err = -EIO;
	close(fd);
	return err;
}

/* The name of the driver bound to the device, "" if none. */
static int current_driver(const struct sb_claim *c, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver", c->bus,
		 c->name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		out[0] = '\0';
		return 0;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	memcpy(out, base, strlen(base) + 1);
	return 0;
}

static int find_bus(struct sb_claim *c)
{
	c->bus = sb_dev_bus("", c->name);
	return c->bus ? 0 : -ENODEV;
}

static int set_override(const struct sb_claim *c, const char *drv)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver_override",
		 c->bus, c->name);
	return write_file(path, drv);
}

static int unbind(const struct sb_claim *c, const char *drv)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/unbind", c->bus,
		 drv);
	return write_file(path, c->name);
}

static int probe(const struct sb_claim *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", c->bus);
	return write_file(path, c->name);
}

static int give_back(struct sb_claim *c, char *err, size_t errlen)
{
	char now[64];
	int ret, first = 0;

	ret = current_driver(c, now, sizeof(now));
	if (!ret && !strcmp(now, SB_DRIVER_NAME))
		ret = unbind(c, SB_DRIVER_NAME);
	first = ret;
	/* An empty write clears driver_override. */
	ret = set_override(c, "\n");
	if (!first)
		first = ret;
	if (c->prev_driver[0]) {
		ret = probe(c);
		if (!ret)
			ret = current_driver(c, now, sizeof(now));
		if (!ret && strcmp(now, c->prev_driver))
			ret = -ENXIO;
		if (!first)
			first = ret;
	}
	if (first)
		snprintf(err, errlen, "%s: could not give it back to %s: %s",
			 c->name, c->prev_driver[0] ? c->prev_driver : "no driver",
			 strerror(-first));
	return first;
}

static int take(struct sb_claim *c, char *err, size_t errlen)
{
	char now[64];
	int ret;

	ret = set_override(c, SB_DRIVER_NAME);
	if (ret) {
		snprintf(err, errlen, "%s: cannot set driver_override: %s",
			 c->name, strerror(-ret));
		return ret;
	}
	if (c->prev_driver[0]) {
		ret = unbind(c, c->prev_driver);
		if (ret) {
			snprintf(err, errlen, "%s: cannot unbind it from %s: %s",
				 c->name, c->prev_driver, strerror(-ret));
			return ret;
		}
	}
	ret = probe(c);
	if (!ret)
		ret = current_driver(c, now, sizeof(now));
	if (!ret && strcmp(now, SB_DRIVER_NAME))
		ret = -ENXIO;
	if (ret)
		snprintf(err, errlen, "%s: smmubench did not bind to it (%s); see dmesg",
			 c->name, strerror(-ret));
	return ret;
}

/* ---- what may be taken ----------------------------------------------- */

/*
 * The rules, in order: bridges never (the devices behind them would lose
 * their path to memory); never what backs something in use, flag or not;
 * another driver's device only when the user says so.
 */
static int check_device(struct sb_claim *c, const struct sb_devinfo *di,
			char *err, size_t errlen)
{
	char desc[600];

	snprintf(desc, sizeof(desc), "%s (%s, driver %s%s%s)", c->name,
		 di->what, di->driver[0] ? di->driver : "none",
		 di->known_as[0] ? ", known as " : "", di->known_as);
	if (di->bridge) {
		snprintf(err, errlen, "refusing %s: it is a bridge, root port or host bridge; smmubench never takes one, the devices behind it would lose their path to memory",
			 desc);
		return -EPERM;
	}
	if (di->in_use[0]) {
		snprintf(err, errlen, "refusing %s: it is in use: %s; smmubench never takes a device that backs a mounted file system, active swap, an interface that is up or the console, even with --unbind-driver",
			 desc, di->in_use);
		return -EBUSY;
	}
	if (di->driver[0] && !c->unbind_driver) {
		snprintf(err, errlen, "refusing %s: it is bound to %s; to take it from its driver for the run and give it back afterwards, add --unbind-driver",
			 desc, di->driver);
		return -EPERM;
	}
	return 0;
}

/* ---- claims between runs ---------------------------------------------- */

static int claim_path(const char *name, const char *what, char *out,
		      size_t len)
{
	if (mkdir("/run", 0755) && errno != EEXIST)
		return -errno;
	if (mkdir(SB_CLAIM_DIR, 0700) && errno != EEXIST)
		return -errno;
	snprintf(out, len, "%s/%s.%s", SB_CLAIM_DIR, name, what);
	return 0;
}

static int open_lock(const char *name, const char *what)
{
	char path[PATH_MAX];
	int fd, ret = claim_path(name, what, path, sizeof(path));

	if (ret)
		return ret;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

/* Blocks until no other run is moving the device; returns the lock's fd. */
static int lock_moves(const char *name)
{
	int fd = open_lock(name, "lock");

	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int ret = -errno;

			close(fd);
			return ret;
		}
	}
	return fd;
}

/* The driver a run took @name from, if a state file says so. */
static int read_state(const char *name, char *drv, size_t len)
{
	char path[PATH_MAX], line[128];
	FILE *f;
	int ret = claim_path(name, "state", path, sizeof(path));

	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ret = -EINVAL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "driver=", 7) && strlen(line + 7) < len) {
			strcpy(drv, line + 7);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/* Written before the device moves, so that a killed run leaves a record. */
static int write_state(const struct sb_claim *c)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int ret = claim_path(c->name, "state", path, sizeof(path));

	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "driver=%s\npid=%d\n", c->prev_driver, (int)getpid());
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static void remove_state(const char *name)
{
	char path[PATH_MAX];

	if (!claim_path(name, "state", path, sizeof(path)))
		unlink(path);
}

/*
 * " (pid N, M)": the processes whose flock() holds @name's users file, as
 * /proc/locks lists them (device numbers in hex, the inode in decimal).
 */
static void holders(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], line[256];
	unsigned int maj, min;
	unsigned long ino;
	size_t off = 0;
	struct stat st;
	FILE *f;
	int pid;

	buf[0] = '\0';
	if (claim_path(name, "users", path, sizeof(path)) || stat(path, &st))
		return;
	f = fopen("/proc/locks", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && off + 16 < len) {
		if (sscanf(line, "%*s FLOCK %*s %*s %d %x:%x:%lu", &pid, &maj,
			   &min, &ino) != 4 || ino != st.st_ino ||
		    maj != major(st.st_dev) || min != minor(st.st_dev))
			continue;
		off += snprintf(buf + off, len - off, "%s%d",
				off ? ", " : " (pid ", pid);
	}
	fclose(f);
	if (off)
		snprintf(buf + off, len - off, ")");
}

/*
 * Takes this run's hold on the device: exclusive, or shared when @c->shared
 * and only shared holders are there. Sets *@first when no other run holds
 * it. Called with the move lock held, so that the exclusive try and the
 * downgrade below cannot interleave with another run's.
 */
static int hold(struct sb_claim *c, bool *first)
{
	int fd = open_lock(c->name, "users");

	if (fd < 0)
		return fd;
	*first = !flock(fd, LOCK_EX | LOCK_NB);
	if (*first && c->shared && flock(fd, LOCK_SH))
		goto busy;
	if (!*first && (!c->shared || flock(fd, LOCK_SH | LOCK_NB)))
		goto busy;
	c->users_fd = fd;
	c->held = true;
	return 0;
busy:
	close(fd);
	return -EBUSY;
}

/* The first holder finds the device as another run or a killed one left it. */
static int take_first(struct sb_claim *c, char *err, size_t errlen)
{
	struct sb_devinfo di;
	int ret;

	ret = sb_dev_inspect("", c->name, &di);
	if (ret == -ENODEV) {
		snprintf(err, errlen, "no such device '%s' on the PCI or platform bus",
			 c->name);
		return ret;
	}
	if (ret) {
		snprintf(err, errlen, "%s: cannot read it in sysfs: %s",
			 c->name, strerror(-ret));
		return ret;
	}
	find_bus(c);
	if (!strcmp(di.driver, SB_DRIVER_NAME)) {
		/*
		 * Left by a killed run (its state file says where it goes
		 * back), or bound by hand: then it stays as it was found.
		 */
		if (!read_state(c->name, c->prev_driver, sizeof(c->prev_driver)))
			fprintf(stderr, "smmubench run: %s: taking over from a run that ended without giving it back; it goes back to %s afterwards\n",
				c->name, c->prev_driver[0] ? c->prev_driver : "no driver");
		return 0;
	}
	/* A record whose device was moved since by hand is stale. */
	remove_state(c->name);
	ret = check_device(c, &di, err, errlen);
	if (ret)
		return ret;
	snprintf(c->prev_driver, sizeof(c->prev_driver), "%s", di.driver);
	ret = write_state(c);
	if (ret) {
		snprintf(err, errlen, "%s: cannot record its driver in %s: %s",
			 c->name, SB_CLAIM_DIR, strerror(-ret));
		return ret;
	}
	ret = take(c, err, errlen);
	if (ret) {
		char rerr[256];

		if (!give_back(c, rerr, sizeof(rerr)))
			remove_state(c->name);
		else
			fprintf(stderr, "smmubench run: %s\n", rerr);
	}
	return ret;
}

int sb_claim__bind(struct sb_claim *c, char *err, size_t errlen)
{
	bool first;
	char now[64];
	int lock, ret;

	c->held = false;
	c->prev_driver[0] = '\0';
	lock = lock_moves(c->name);
	if (lock < 0) {
		snprintf(err, errlen, "%s: cannot lock it in %s: %s", c->name,
			 SB_CLAIM_DIR, strerror(-lock));
		return lock;
	}
	ret = hold(c, &first);
	if (ret) {
		char pids[64];

		holders(c->name, pids, sizeof(pids));
		snprintf(err, errlen, "device %s busy: another smmubench run is using it%s%s",
			 c->name, pids,
			 c->shared ? ", for a workload that cannot share it" : "");
	} else if (first) {
		ret = take_first(c, err, errlen);
	} else if (find_bus(c) || current_driver(c, now, sizeof(now)) ||
		   strcmp(now, SB_DRIVER_NAME)) {
		/* Joining a shared run: it must still be smmubench's. */
		snprintf(err, errlen, "device %s busy: another smmubench run holds it, but it is not bound to smmubench",
			 c->name);
		ret = -EBUSY;
	}
	if (ret && c->held) {
		close(c->users_fd);
		c->held = false;
	}
	close(lock);
	return ret;
}

/* With the move lock held: gives the device back if no run holds it. */
static int release_locked(struct sb_claim *c, int users_fd, char *err,
			  size_t errlen)
{
	int ret;

	/* Another holder left: it is theirs now, and the last one gives it back. */
	if (flock(users_fd, LOCK_EX | LOCK_NB))
		return 0;
	if (read_state(c->name, c->prev_driver, sizeof(c->prev_driver)))
		return 0;
	if (find_bus(c)) {
		/* Gone (hot removal): nothing to give back. */
		remove_state(c->name);
		return 0;
	}
	ret = give_back(c, err, errlen);
	if (!ret)
		remove_state(c->name);
	return ret;
}

int sb_claim__restore(struct sb_claim *c, char *err, size_t errlen)
{
	int lock, ret;

	if (!c->held)
		return 0;
	lock = lock_moves(c->name);
	if (lock < 0) {
		snprintf(err, errlen, "%s: cannot lock it in %s: %s", c->name,
			 SB_CLAIM_DIR, strerror(-lock));
		ret = lock;
	} else {
		ret = release_locked(c, c->users_fd, err, errlen);
		close(lock);
	}
	close(c->users_fd);
	c->held = false;
	return ret;
}

static int release_one(const char *name, FILE *out)
{
	struct sb_claim c = { .bus = NULL };
	char err[512] = "";
	int lock, fd, ret;

	snprintf(c.name, sizeof(c.name), "%s", name);
	if (read_state(name, c.prev_driver, sizeof(c.prev_driver))) {
		fprintf(out, "%s: nothing to give back: no run left it bound to smmubench\n",
			name);
		return 0;
	}
	lock = lock_moves(name);
	if (lock < 0)
		return lock;
	fd = open_lock(name, "users");
	if (fd < 0) {
		close(lock);
		return fd;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(out, "%s: left alone: a running smmubench run holds it\n",
			name);
		ret = -EBUSY;
	} else {
		ret = release_locked(&c, fd, err, sizeof(err));
		if (ret)
			fprintf(out, "%s\n", err[0] ? err : strerror(-ret));
		else
			fprintf(out, "%s: given back to %s\n", name,
				c.prev_driver[0] ? c.prev_driver : "no driver");
	}
	close(fd);
	close(lock);
	return ret;
}

int sb_claim__release_left(const char *name, FILE *out)
{
	struct dirent *e;
	int ret = 0, r, found = 0;
	DIR *d;

	if (name)
		return release_one(name, out);
	d = opendir(SB_CLAIM_DIR);
	if (!d) {
		if (errno == ENOENT) {
			fprintf(out, "nothing to give back: no run left a device bound to smmubench\n");
			return 0;
		}
		return -errno;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char dev[64];

		if (n <= 6 || n - 6 >= sizeof(dev) ||
		    strcmp(e->d_name + n - 6, ".state"))
			continue;
		snprintf(dev, sizeof(dev), "%.*s", (int)(n - 6), e->d_name);
		r = release_one(dev, out);
		ret = ret ?: r;
		found++;
	}
	closedir(d);
	if (!found)
		fprintf(out, "nothing to give back: no run left a device bound to smmubench\n");
	return ret;
}

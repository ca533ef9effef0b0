//go:build linux

package bolt

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// unmapFile removes the process's memory maps of the file f, which a
// bbolt.Open that panicked left behind. A map holds the open file, and
// so its lock, until it is removed. It reads /proc/self/maps and matches
// by device and inode.
func unmapFile(f *os.File) {
	st, err := f.Stat()
	if err != nil {
		return
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	maps, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer maps.Close()
	var ranges [][2]uintptr
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		// start-end perms offset major:minor inode path
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[4] != strconv.FormatUint(sys.Ino, 10) || !sameDev(fields[3], uint64(sys.Dev)) {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if ok && err1 == nil && err2 == nil {
			ranges = append(ranges, [2]uintptr{uintptr(start), uintptr(end)})
		}
	}
	for _, r := range ranges {
		_, _, _ = syscall.Syscall(syscall.SYS_MUNMAP, r[0], r[1]-r[0], 0)
	}
}

// sameDev reports whether "major:minor" (hexadecimal, as in
// /proc/self/maps) names the device dev.
func sameDev(s string, dev uint64) bool {
	ma, mi, ok := strings.Cut(s, ":")
	major, err1 := strconv.ParseUint(ma, 16, 32)
	minor, err2 := strconv.ParseUint(mi, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return false
	}
	// Linux's new_encode_dev / huge_encode_dev layout, as glibc's makedev.
	want := (minor & 0xff) | (major&0xfff)<<8 | (minor&^0xff)<<12 | (major&^0xfff)<<32
	return want == dev
}

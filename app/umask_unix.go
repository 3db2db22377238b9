//go:build unix

package app

import "syscall"

// restrictUmask makes every file and directory the process creates from
// now on owner-only, whoever creates it (our code, SQLite, the Temporal
// server). It is process-wide and stays set.
func restrictUmask() { syscall.Umask(0o077) }

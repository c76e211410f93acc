//go:build !race

package rvpserver

const raceEnabled = false

//go:build race

package rvpserver

// raceEnabled: the race detector inflates memory figures.
const raceEnabled = true

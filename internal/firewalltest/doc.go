// Package firewalltest proves the firewall story of the seed documents on
// real networking: Kari Hensien works at Woodgrove Bank behind a firewall,
// her account is on Humongous Insurance's rvpd. The tests build the
// topology with internal/netlab (network namespaces, veth pairs, an
// nftables router), run the real rvpd binary in "humongous", and drive
// rvpclient engines in separate processes (one per namespace) through a
// small line protocol (see chat_test.go). They need root and skip with a
// clear message otherwise.
package firewalltest

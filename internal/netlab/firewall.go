package netlab

import (
	"fmt"
	"os/exec"
	"strings"
)

// Firewall describes the router's ruleset.
type Firewall struct {
	// NAT masquerades woodgrove's connections behind the router's
	// humongous-side address, so the server only ever sees 203.0.113.1.
	NAT bool
	// OpenPorts, when set, lets humongous open new TCP connections to
	// woodgrove on these ports (the Fixed Port(s) exception an
	// administrator configures).
	OpenPorts *[2]int
	// ProxyOnly drops woodgrove's direct connections to humongous: it can
	// reach the outside only through a proxy on the router.
	ProxyOnly bool
}

// ruleset renders the nftables ruleset. The forward chain drops by default;
// replies to connections that woodgrove opened are allowed back.
func (fw Firewall) ruleset(l *Lab) string {
	var b strings.Builder
	b.WriteString("flush ruleset\n")
	b.WriteString("table inet netlab {\n")
	b.WriteString(" chain forward {\n  type filter hook forward priority 0; policy drop;\n")
	b.WriteString("  ct state established,related accept\n")
	if !fw.ProxyOnly {
		fmt.Fprintf(&b, "  ip saddr %s ip daddr %s ct state new accept\n", WoodgroveAddr, HumongousAddr)
	}
	if fw.OpenPorts != nil {
		fmt.Fprintf(&b, "  ip saddr %s ip daddr %s tcp dport %d-%d ct state new accept\n",
			HumongousAddr, WoodgroveAddr, fw.OpenPorts[0], fw.OpenPorts[1])
	}
	b.WriteString(" }\n")
	if fw.NAT {
		b.WriteString(" chain postrouting {\n  type nat hook postrouting priority 100; policy accept;\n")
		fmt.Fprintf(&b, "  ip saddr %s ip daddr %s masquerade\n", WoodgroveAddr, HumongousAddr)
		b.WriteString(" }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// SetFirewall replaces the router's ruleset.
func (l *Lab) SetFirewall(fw Firewall) error {
	cmd := exec.Command("ip", "netns", "exec", l.Router.Name, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(fw.ruleset(l))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("netlab: nft: %v: %s", err, out)
	}
	return nil
}

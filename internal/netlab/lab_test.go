package netlab

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	RegisterRole("tcpserve", tcpServe)
	RegisterRole("tcpdial", tcpDial)
	RunRole()
	os.Exit(m.Run())
}

// tcpServe listens on args[0], prints "ready", and answers every connection
// with the remote address it sees.
func tcpServe(args []string) int {
	ln, err := net.Listen("tcp", args[0])
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("ready")
	for {
		c, err := ln.Accept()
		if err != nil {
			return 1
		}
		fmt.Fprintln(c, c.RemoteAddr().(*net.TCPAddr).IP)
		c.Close()
	}
}

// tcpDial dials args[0] within 2 s and prints what the server said.
func tcpDial(args []string) int {
	c, err := net.DialTimeout("tcp", args[0], 2*time.Second)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	defer c.Close()
	line, _ := bufio.NewReader(c).ReadString('\n')
	fmt.Print(line)
	return 0
}

func newLab(t *testing.T, fw Firewall) *Lab {
	t.Helper()
	if err := Available(); err != nil {
		t.Skipf("skipping network-namespace test: %v", err)
	}
	l, err := New(fw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// serve starts tcpserve on host at addr and waits until it listens.
func serve(t *testing.T, h *Host, addr string) {
	t.Helper()
	if err := h.StartRole(context.Background(), "tcpserve", addr); err != nil {
		t.Fatal(err)
	}
}

// dial returns what the server at addr saw as our address, or an error.
func dial(t *testing.T, h *Host, addr string) (string, error) {
	t.Helper()
	cmd, err := h.Role(context.Background(), "tcpdial", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if ok := asExit(err, &ee); ok {
			return "", fmt.Errorf("%s", strings.TrimSpace(string(out)))
		}
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out)), nil
}

func asExit(err error, target **exec.ExitError) bool {
	ee, ok := err.(*exec.ExitError)
	*target = ee
	return ok
}

func TestFirewallLetsWoodgroveOutOnly(t *testing.T) {
	l := newLab(t, Firewall{})
	serve(t, l.Humongous, HumongousAddr+":80")
	serve(t, l.Woodgrove, WoodgroveAddr+":4711")
	if seen, err := dial(t, l.Woodgrove, HumongousAddr+":80"); err != nil || seen != WoodgroveAddr {
		t.Fatalf("woodgrove -> humongous: seen %q, err %v", seen, err)
	}
	if _, err := dial(t, l.Humongous, WoodgroveAddr+":4711"); err == nil {
		t.Fatal("humongous opened a connection to woodgrove through the firewall")
	}
}

func TestNATHidesWoodgrove(t *testing.T) {
	l := newLab(t, Firewall{NAT: true})
	serve(t, l.Humongous, HumongousAddr+":80")
	if seen, err := dial(t, l.Humongous, HumongousAddr+":80"); err != nil || seen != HumongousAddr {
		t.Fatalf("local dial: %q %v", seen, err)
	}
	if seen, err := dial(t, l.Woodgrove, HumongousAddr+":80"); err != nil || seen != RouterHumongousAddr {
		t.Fatalf("server saw %q (err %v), want the router's %s", seen, err, RouterHumongousAddr)
	}
}

func TestOpenPortsLetCallbacksIn(t *testing.T) {
	l := newLab(t, Firewall{OpenPorts: &[2]int{5000, 5010}})
	serve(t, l.Woodgrove, WoodgroveAddr+":5003")
	serve(t, l.Woodgrove, WoodgroveAddr+":6000")
	if seen, err := dial(t, l.Humongous, WoodgroveAddr+":5003"); err != nil || seen != HumongousAddr {
		t.Fatalf("open port: %q %v", seen, err)
	}
	if _, err := dial(t, l.Humongous, WoodgroveAddr+":6000"); err == nil {
		t.Fatal("port outside the open range reached woodgrove")
	}
}

func TestProxyOnlyBlocksDirect(t *testing.T) {
	l := newLab(t, Firewall{ProxyOnly: true})
	serve(t, l.Humongous, HumongousAddr+":80")
	if _, err := dial(t, l.Woodgrove, HumongousAddr+":80"); err == nil {
		t.Fatal("woodgrove reached humongous directly although only the proxy is allowed")
	}
	serve(t, l.Router, RouterWoodgroveAddr+":3128")
	if seen, err := dial(t, l.Woodgrove, RouterWoodgroveAddr+":3128"); err != nil || seen != WoodgroveAddr {
		t.Fatalf("woodgrove -> router: %q %v", seen, err)
	}
}

func TestCloseRemovesNamespaces(t *testing.T) {
	l := newLab(t, Firewall{})
	serve(t, l.Humongous, HumongousAddr+":80")
	l.Close()
	out, _ := exec.Command("ip", "netns", "list").Output()
	for _, h := range []*Host{l.Woodgrove, l.Router, l.Humongous} {
		if strings.Contains(string(out), h.Name) {
			t.Fatalf("namespace %s left behind: %s", h.Name, out)
		}
	}
}

func TestSetHosts(t *testing.T) {
	l := newLab(t, Firewall{})
	if err := l.Woodgrove.SetHosts(HumongousAddr + " humongous.example"); err != nil {
		t.Fatal(err)
	}
	serve(t, l.Humongous, HumongousAddr+":80")
	if seen, err := dial(t, l.Woodgrove, "humongous.example:80"); err != nil || seen != WoodgroveAddr {
		t.Fatalf("dial by name: %q %v", seen, err)
	}
	l.Close()
	if _, err := os.Stat("/etc/netns/" + l.Woodgrove.Name); !os.IsNotExist(err) {
		t.Fatalf("/etc/netns/%s left behind: %v", l.Woodgrove.Name, err)
	}
}

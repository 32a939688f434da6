// The Go original's chat server: the program realtime-chat ports to Rust, kept as
// the "before" of every lesson in the README.
//
// Three kinds of goroutine: main accepts connections, one handleClient per
// client reads its lines, and one broadcaster writes every message to every
// other client. The clients live in a global map guarded by a sync.Mutex.
//
// It is deliberately as simple as the original, flaws included (docs/design.md,
// "What the Go original gets wrong", lists them; the NOTE comments below mark
// where each one lives). One thing differs from the original, marked
// "DIFFERENCE": the -port flag. The original's description says what the
// server does but not every detail of how; where it is silent, the choice made
// here is marked "RECONSTRUCTION".
//
// Run it: go run ./server (from the go/ folder), or make go-server.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"strings"
	"sync"
)

// Message is one line for the broadcaster to send to every client but From.
type Message struct {
	From string
	Text string
}

// clients maps each ID to its connection; mu guards it. broadcast carries every
// notice and message to the broadcaster; it is unbuffered, so a sender waits
// until the broadcaster takes its message.
//
// RECONSTRUCTION: the original's description does not say whether broadcast
// is buffered. Unbuffered is what make(chan Message) gives without a size.
//
// NOTE: nothing makes code that reads clients take mu first: the map and its
// lock are two separate variables.
var (
	clients   map[string]net.Conn = make(map[string]net.Conn)
	mu        sync.Mutex
	broadcast chan Message = make(chan Message)
)

func main() {
	// DIFFERENCE: the original always listens on port 5000. The flag lets
	// tests and benchmarks run it on a free port.
	port := flag.String("port", "5000", "TCP port to listen on")
	flag.Parse()

	// NOTE: ":5000" listens on every network interface, not only this machine.
	ln, err := net.Listen("tcp", ":"+*port)
	if err != nil {
		fmt.Println("Error starting server:", err)
		return
	}
	defer ln.Close()
	fmt.Printf("Server running on port %s...\n", *port)

	go broadcaster()

	for {
		conn, err := ln.Accept()
		if err != nil {
			// NOTE: out of file descriptors, this retries at once, in a tight loop.
			fmt.Println("Error accepting connection:", err)
			continue
		}
		go handleClient(conn)
	}
}

// handleClient serves one client: its first line is its ID, every later line
// is a message for everyone else.
func handleClient(conn net.Conn) {
	defer conn.Close()

	// The original "accepts clients and asks them to send their ID"; the words
	// are those of its transcript ("Enter your ID: Ahmed"). They go as a line
	// of their own, so nc shows them; the client keeps the ID on that line.
	fmt.Fprintln(conn, "Enter your ID:")

	// NOTE: ReadString grows its buffer until a newline arrives: a line
	// without end eats memory. A client that never sends an ID keeps this
	// goroutine forever.
	reader := bufio.NewReader(conn)
	id, err := reader.ReadString('\n')
	if err != nil {
		return
	}
	// NOTE: any ID is accepted, even empty, and a second "Omar" silently
	// replaces the first in the map.
	id = strings.TrimSpace(id)

	// NOTE: a map has no order, so the user list comes in a random order.
	mu.Lock()
	others := make([]string, 0, len(clients))
	for name := range clients {
		others = append(others, name)
	}
	clients[id] = conn
	mu.Unlock()

	// NOTE: this goroutine and the broadcaster both write to conn, so a
	// message may reach the newcomer before its user list.
	fmt.Fprintf(conn, "** Current users in chat: %s **\n", strings.Join(others, ", "))
	fmt.Printf("[SERVER] User '%s' joined the chat\n", id)
	broadcast <- Message{From: id, Text: fmt.Sprintf("User %s joined the chat", id)}

	for {
		line, err := reader.ReadString('\n')
		if err != nil {
			break
		}
		// NOTE: the text is forwarded as it came, escape codes included.
		text := strings.TrimSpace(line)
		broadcast <- Message{From: id, Text: fmt.Sprintf("[%s]: %s", id, text)}
	}

	mu.Lock()
	delete(clients, id)
	mu.Unlock()
	fmt.Printf("[SERVER] User '%s' left the chat\n", id)
	broadcast <- Message{From: id, Text: fmt.Sprintf("User %s left the chat", id)}
}

// broadcaster sends each message to every client except its sender.
//
// RECONSTRUCTION: the original's description does not say whether the writes
// happen while mu is held. Holding it is the simplest way to keep the map
// still while ranging over it, and the likeliest reading.
func broadcaster() {
	for msg := range broadcast {
		mu.Lock()
		for id, conn := range clients {
			if id == msg.From {
				continue
			}
			// NOTE: no write deadline, and mu is held: a client that stops
			// reading blocks this write forever, and with it every message,
			// join and leave in the room.
			fmt.Fprintln(conn, msg.Text)
		}
		mu.Unlock()
	}
}

// The Go original's terminal client: one goroutine prints what the server
// sends, main sends what the user types, and a green "[you] > " prompt
// waits at the bottom of the screen; what you type is green too.
//
// It knows one line of the protocol, the ID question, so that the ID is typed
// on its line ("Enter your ID: Ahmed", as in the original's transcript); the
// ID is simply the first line typed. Only one thing differs from the original,
// marked "DIFFERENCE": the -addr flag.
//
// Run it: go run ./client (from the go/ folder), or make go-client.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
)

// ANSI colours: other users' messages yellow, the server's notices blue, the
// prompt and your own messages green (the prompt leaves green on, so the
// terminal's echo of what you type is green; every other line sets its own).
const (
	reset  = "\033[0m"
	red    = "\033[31m"
	green  = "\033[32m"
	yellow = "\033[33m"
	blue   = "\033[34m"
	prompt = green + "[you] > "
	// clearLine goes back to the start of the line and erases it, so an
	// incoming message replaces the prompt instead of following it.
	clearLine = "\r\033[K"
	// idQuestion is the server's first line: the ID is typed after it, on
	// the same line, with no prompt.
	idQuestion = "Enter your ID:"
)

func main() {
	// DIFFERENCE: the original always dials localhost:5000. The flag lets
	// tests run it against a server on a free port.
	addr := flag.String("addr", "localhost:5000", "server address, HOST:PORT")
	flag.Parse()

	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		fmt.Println(red+"Error connecting to server:", err, reset)
		os.Exit(1)
	}

	go readMessages(conn)

	// At the end of input main returns, and the process exits with it,
	// closing the connection (so there is no defer conn.Close(): it would wake
	// readMessages, which would report a disconnection first).
	// NOTE: lines still on their way from the server are never shown.
	input := bufio.NewReader(os.Stdin)
	for {
		line, err := input.ReadString('\n')
		if err != nil {
			fmt.Print(reset)
			return
		}
		// The prompt goes first, so that the answer to this line (the user
		// list, after the ID) is drawn over it rather than followed by it.
		// NOTE: two goroutines print with no lock between them: a message
		// that arrives just as Enter is pressed still shows "[you] > [you] > ".
		fmt.Print(prompt)
		fmt.Fprint(conn, line)
	}
}

// readMessages prints each line from the server over the prompt, in colour,
// then draws the prompt again. It ends the program when the server goes away.
func readMessages(conn net.Conn) {
	reader := bufio.NewReader(conn)
	for {
		line, err := reader.ReadString('\n')
		if err != nil {
			fmt.Println(clearLine + red + "** Disconnected from server **" + reset)
			os.Exit(1)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == idQuestion {
			fmt.Print(clearLine + blue + line + reset + " ")
			continue
		}
		colour := blue
		if strings.HasPrefix(line, "[") {
			colour = yellow
		}
		// NOTE: the line is printed as it came, escape codes included: any
		// user can recolour or clear everyone's terminal.
		fmt.Print(clearLine + colour + line + reset + "\n" + prompt)
	}
}

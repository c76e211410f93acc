// Package ui holds the Fyne windows of Rendezvous Messenger: the sign-in
// window (with the offer to host a server on this computer), the main window
// with the contact list, status menu and system tray, and the conversation
// windows.
//
// The package does no I/O of its own and knows nothing of the protocol
// engine. Each window takes a small interface listing only what it uses
// (SignInService, LocalServer, MainService, ConversationService) and plain
// data types defined here (Contact, Message, State). Package app adapts the
// engine to these interfaces and maps its typed errors to sentences through
// an injected Describer.
//
// # Threading
//
// Every exported method whose doc comment says "any goroutine" is an adapter:
// it hands its arguments to fyne.Do and applies them on the UI goroutine
// through an unexported apply... method. All other exported methods and all
// option callbacks run on the UI goroutine. Blocking service calls (SignIn,
// Send, SetStatus, ...) never run on the UI goroutine: each window owns a
// serial work queue whose goroutine calls the service with a context and
// brings the result back in one fyne.Do. Closing a conversation window lets
// its queue drain (so its Leave is sent); closing the other windows cancels
// their work. Stop cancels without touching widgets (for shutdown after the
// event loop ended) and Wait, called off the UI goroutine, waits for the
// queue goroutine to end.
//
// Tests replace fyne.Do for queue results through an unexported option, so
// results are applied on the test goroutine (the test driver would run them
// on the queue goroutine, concurrently with the test).
package ui

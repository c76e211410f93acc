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
// # Window focus and the tray
//
// Fyne 2.8.1 reports no per-window focus: a window gaining or losing the
// keyboard only reaches the object its canvas has focused, and
// Canvas.Focused keeps naming that object while the window is in the
// background. A conversation window's "active" state (no notification, no
// unread count for its messages) is therefore inferred from its message
// entry and kept while the focus moves inside the window; the app reports
// the app losing the keyboard through Conversations.AppDeactivated (Fyne's
// Lifecycle OnExitedForeground). The rules and the one blind spot (a window
// regaining the keyboard while a selected message, not the entry, holds its
// focus counts as inactive until clicked) are in focus.go.
//
// Closing the main window hides it to the system tray only while
// MainOptions.TrayHost reports a tray host (the File menu then has "Close
// to Tray"); otherwise closing is File > Exit, since a hidden window without
// a tray icon could not be brought back.
//
// Tests replace fyne.Do for queue results through an unexported option, so
// results are applied on the test goroutine (the test driver would run them
// on the queue goroutine, concurrently with the test).
package ui

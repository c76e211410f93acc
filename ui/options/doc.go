// Package options implements the desktop client's Options window (Accounts,
// Privacy and Notifications tabs), the Connection Configuration dialog of
// POLLING.md section 6, the connection status line of the main window, the
// Connection diagnostics window and the unreachable-callback banner.
//
// # Dependencies
//
// Every window takes a small interface listing only what it uses
// (ConnectionSettings, NotificationSettings, PrivacySource,
// DiagnosticsSource). Data comes in plain types defined here (Connection,
// Watcher, ACLEntry, Diagnostics). ProfileSettings adapts a
// *settings.Profile and the administrator policy to the settings interfaces;
// the engine side is adapted by the app.
//
// # Concurrency
//
// Every exported function and method must be called on the Fyne UI
// goroutine unless its comment says otherwise. The interface methods, which
// take a context and may do I/O, are never called on the UI goroutine: each
// window runs them on goroutines it owns and applies each result in a single
// fyne.Do, after checking that the window is still open. A window's
// goroutines are cancelled when it closes; its Wait method (callable from any
// goroutine except the UI goroutine while they may still need it) waits for
// them. Nothing here calls fyne.DoAndWait.
package options

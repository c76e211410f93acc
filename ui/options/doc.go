// Package options implements the desktop client's Options window (Accounts,
// Privacy and Notifications tabs), the Connection Configuration dialog of
// POLLING.md section 6, the main window's connection status line, the
// Connection diagnostics window and the unreachable-callback banner.
//
// # Dependencies
//
// Every window takes a small interface listing only what it uses
// (ConnectionSettings, NotificationSettings, PrivacySource,
// DiagnosticsSource). Data comes in plain types defined here (Connection,
// Watcher, ACLEntry, Diagnostics). ProfileSettings adapts a
// *settings.Profile and the administrator policy to the settings
// interfaces; the engine side is adapted by the app. Validation and its
// messages are the settings package's (ValidatePollingPeriod,
// ValidatePorts, ConnectionChangedNotice).
//
// # Concurrency
//
// Every exported function and method must be called on the Fyne UI
// goroutine unless its comment says otherwise. The interface methods, which
// take a context and may do I/O, are never called on the UI goroutine: each
// window runs them on goroutines it owns and applies each result in a
// single fyne.Do, after checking that the window is still open. Closing a
// window cancels its goroutines' context; its Wait method, called off the
// UI goroutine, waits for them. Nothing here calls fyne.DoAndWait.
//
// The dialogs take Enter and Escape through the canvas's OnTypedKey handler
// while they are shown and restore the previous handler when they close, so
// a window that sets its own handler should do so before showing them.
//
// # Wiring (package app)
//
//	ps := options.ProfileSettings{Profile: profile, Policy: func() settings.Policy {
//		return settings.LoadPolicy(xdg.ConfigDirs, log)
//	}}
//	status := options.NewConnectionStatus(next) // next: the Connection of ps.LoadConnection
//	status.SetInUse(&inUse)                     // after each sign-in; nil after sign-out
//	launcher := options.NewLauncher(a, func() options.Deps {
//		return options.Deps{SignInName: name, Connection: ps, Notifications: ps,
//			Privacy: privacy, OnConnectionSaved: status.SetNext}
//	}, diagnostics)
//	// ui.MainOptions{ShowOptions: launcher.ShowOptions, ShowDiagnostics: launcher.ShowDiagnostics}
//	var banner *options.FirewallBanner
//	switcher := options.NewPollingSwitcher(mainWindow, ps, func(c options.Connection) {
//		status.SetNext(c)
//		banner.Hide()
//	})
//	banner = options.NewFirewallBanner(switcher.Switch, nil) // shown when the engine reports it
//
// At sign-out or exit, on the UI goroutine: launcher.Close() and
// switcher.Close(); then, off it: launcher.Wait() and switcher.Wait().
package options

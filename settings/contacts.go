package settings

import (
	"slices"
	"strconv"
	"strings"
)

// Contact is one entry of the contact list. Group is "" (no group) or one of
// ContactList.Groups. Plain value.
type Contact struct {
	SignInName  string `json:"SignInName"`
	DisplayName string `json:"DisplayName"`
	Group       string `json:"Group"`
}

// ContactList is the contact list with its groups, both in the user's order.
// Values returned by Profile are copies the caller owns.
type ContactList struct {
	Groups   []string
	Contacts []Contact
}

// Messages of contact list validation errors.
const (
	MsgGroupName        = "A group needs a name."
	MsgGroupDuplicate   = "There is already a group with that name."
	MsgContactName      = "A contact needs a sign-in name."
	MsgContactDuplicate = "That contact is already in your contact list."
	MsgContactGroup     = "The contact's group does not exist."
)

// Validation keys of the contact list.
const (
	KeyGroups   = "Groups"
	KeyContacts = "Contacts"
)

// Validate checks that group names are non-empty and unique, that sign-in
// names are non-empty and unique (compared case-insensitively, as sign-in
// names are), and that every contact's group exists.
func (cl ContactList) Validate() error {
	if err := validateGroups(cl.Groups); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range cl.Contacts {
		key := strings.ToLower(strings.TrimSpace(c.SignInName))
		switch {
		case key == "":
			return invalid(KeyContacts, MsgContactName)
		case seen[key]:
			return invalid(KeyContacts, MsgContactDuplicate)
		case c.Group != "" && !slices.Contains(cl.Groups, c.Group):
			return invalid(KeyContacts, MsgContactGroup)
		}
		seen[key] = true
	}
	return nil
}

func validateGroups(groups []string) error {
	seen := map[string]bool{}
	for _, g := range groups {
		switch {
		case strings.TrimSpace(g) == "":
			return invalid(KeyGroups, MsgGroupName)
		case seen[g]:
			return invalid(KeyGroups, MsgGroupDuplicate)
		}
		seen[g] = true
	}
	return nil
}

// Clone returns a deep copy.
func (cl ContactList) Clone() ContactList {
	return ContactList{
		Groups:   append([]string{}, cl.Groups...),
		Contacts: append([]Contact{}, cl.Contacts...),
	}
}

// InGroup returns the contacts of group g ("" for ungrouped) in list order.
func (cl ContactList) InGroup(g string) []Contact {
	var out []Contact
	for _, c := range cl.Contacts {
		if c.Group == g {
			out = append(out, c)
		}
	}
	return out
}

// sanitize repairs a contact list read from disk (perhaps edited by hand):
// it drops empty and duplicate groups and contacts and adds missing groups at
// the end, keeping order. It returns what it changed, for logging.
func (cl ContactList) sanitize() (ContactList, []string) {
	var out ContactList
	var fixes []string
	for _, g := range cl.Groups {
		if strings.TrimSpace(g) == "" || slices.Contains(out.Groups, g) {
			fixes = append(fixes, "dropped empty or duplicate group "+strconv.Quote(g))
			continue
		}
		out.Groups = append(out.Groups, g)
	}
	seen := map[string]bool{}
	for _, c := range cl.Contacts {
		key := strings.ToLower(strings.TrimSpace(c.SignInName))
		if key == "" || seen[key] {
			fixes = append(fixes, "dropped empty or duplicate contact "+strconv.Quote(c.SignInName))
			continue
		}
		seen[key] = true
		if c.Group != "" && !slices.Contains(out.Groups, c.Group) {
			out.Groups = append(out.Groups, c.Group)
			fixes = append(fixes, "added missing group "+strconv.Quote(c.Group))
		}
		out.Contacts = append(out.Contacts, c)
	}
	return out.Clone(), fixes
}

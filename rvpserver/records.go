package rvpserver

import (
	"encoding/json"
	"fmt"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// The persistent records, stored as JSON. Field names are part of the file
// format: add fields, never rename them.

type accountRecord struct {
	Alias             string             `json:"alias"`
	DisplayName       string             `json:"displayName"`
	Email             string             `json:"email"`
	MobileState       string             `json:"mobileState,omitempty"`
	MobileDescription string             `json:"mobileDescription,omitempty"`
	Creds             digest.Credentials `json:"creds"`
	ACL               rvpwire.ACL        `json:"acl"`
}

// subRecord is a subscription. Owner is the subscriber's alias when the
// subscriber is a local principal, "" for a foreign one.
type subRecord struct {
	ID          uint64                   `json:"id"`
	Node        string                   `json:"node"`    // alias of the node subscribed to
	NodeURL     string                   `json:"nodeURL"` // the node's URL as the subscriber addressed it
	Type        rvpwire.NotificationType `json:"type"`
	CallBack    string                   `json:"callBack"`
	Principal   string                   `json:"principal"` // subscriber's principal URL
	Owner       string                   `json:"owner,omitempty"`
	Expires     time.Time                `json:"expires"`
	MsgLifeTime time.Duration            `json:"msgLifeTime,omitempty"` // polling logins
}

func (r *subRecord) isPoll() bool {
	return r.Type == rvpwire.PragmaNotify && r.CallBack == rvpwire.CallBackPoll
}

// viewRecord is one leased presence view of a principal.
type viewRecord struct {
	ID      uint64        `json:"id"`
	Alias   string        `json:"alias"`
	State   rvpwire.State `json:"state"`
	Default rvpwire.State `json:"default,omitempty"`
	Timeout int64         `json:"timeout"`
	Expires time.Time     `json:"expires"`
	SetAt   time.Time     `json:"setAt"`
	SetSeq  uint64        `json:"setSeq"` // orders views set at the same instant
}

// pollStateRecord is the bookkeeping of one polling login's queue.
type pollStateRecord struct {
	LastSeq uint64    `json:"lastSeq"`
	Since   time.Time `json:"since,omitzero"` // when an item entered the empty queue
	Dropped uint64    `json:"dropped"`        // dropped since the last answer
}

// pollItemRecord is one queued NOTIFY of a polling login.
type pollItemRecord struct {
	Seq      uint64    `json:"seq"`
	Expires  time.Time `json:"expires"`
	Coalesce string    `json:"coalesce,omitempty"` // presence source node; "" for messages
	Data     []byte    `json:"data"`               // the NOTIFY request as a callback would get it
}

// counters is the meta record holding the id counters.
type counters struct {
	NextSub  uint64 `json:"nextSub"`
	NextView uint64 `json:"nextView"`
	NextSet  uint64 `json:"nextSet"`
}

const countersKey = "counters"

func idKey(id uint64) string { return fmt.Sprintf("%016x", id) }

func itemKey(sub, seq uint64) string { return idKey(sub) + "/" + idKey(seq) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // only plain structs are marshalled
		panic(fmt.Sprintf("rvpserver: marshal %T: %v", v, err))
	}
	return b
}

func putRecord(b Bucket, key string, v any) Op { return Put(b, key, mustJSON(v)) }

package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"sync"
	"time"
)

// purpose says what a token is for. It is signed with the token, so a
// token of one purpose never verifies as the other.
type purpose byte

const (
	purposeAccess    purpose = 'A' // an AccessToken from tokenByAkSk
	purposeMessaging purpose = 'M' // a ccmessaging-token from applyToken
)

// A token is the base64url (unpadded) text of
//
//	purpose(1) | expiry(8, Unix seconds, big-endian) | nonce(12) |
//	len(appKey)(1) | appKey | SHA-256(subject)[:16] | HMAC-SHA256(label | all before it)(32)
//
// Everything a check needs is in the token, so nothing is stored per token
// and stubs that share a key accept each other's tokens. The random nonce
// keeps two tokens issued in the same second for the same subject apart.
// The subject is kept as a digest, so that a token's size depends on no
// bound of the contract (docs/architecture.md, "Tokens").
const (
	nonceLen    = 12
	digestLen   = 16
	macLen      = sha256.Size
	headerLen   = 1 + 8 + nonceLen + 1
	minTokenLen = headerLen + digestLen + macLen
	// maxTokenText bounds the text a check decodes, so a hostile header
	// costs nothing to reject.
	maxTokenText = (minTokenLen + maxAppKeyLen + 2) / 3 * 4
)

// tokenLabel separates these signatures from any other use of the key.
var tokenLabel = []byte("applytoken-token-v1\x00")

// errBadToken is the one answer to every failed check: which part failed
// is nobody's business but the log's, and the log never sees tokens.
var errBadToken = errors.New("illegal or expired token")

// signer issues and checks tokens with one key.
type signer struct {
	states sync.Pool // of *macState
}

// macState is a keyed HMAC with the scratch space a check needs. Pooled,
// it spares every request the key schedule and every allocation.
type macState struct {
	mac  hash.Hash
	raw  [maxTokenText]byte // a token's bytes, decoded or to encode
	sum  [macLen]byte
	text [maxTokenText + 4]byte // a token's text, as issue encodes it
}

func newSigner(key []byte) *signer {
	s := &signer{}
	s.states.New = func() any { return &macState{mac: hmac.New(sha256.New, key)} }
	return s
}

// issue returns a token for appKey and subject that expires at exp.
func (s *signer) issue(p purpose, appKey, subject string, exp time.Time) string {
	st := s.states.Get().(*macState)
	defer s.states.Put(st)
	// Built in the pooled scratch space, so that the token's text is the
	// one allocation.
	buf := append(st.raw[:0], byte(p))
	buf = binary.BigEndian.AppendUint64(buf, uint64(exp.Unix()))
	buf = append(buf, make([]byte, nonceLen)...)
	rand.Read(buf[9 : 9+nonceLen]) // never fails (crypto/rand, Go 1.24+)
	buf = append(buf, byte(len(appKey)))
	buf = append(buf, appKey...)
	digest := sha256.Sum256([]byte(subject))
	buf = append(buf, digest[:digestLen]...)
	return st.seal(buf)
}

// seal signs body, built in st.raw, and returns the token's text.
func (st *macState) seal(body []byte) string {
	buf := st.sign(body, body)
	n := base64.RawURLEncoding.EncodedLen(len(buf))
	if n > len(st.text) {
		return base64.RawURLEncoding.EncodeToString(buf) // an app key longer than New allows
	}
	base64.RawURLEncoding.Encode(st.text[:n], buf)
	return string(st.text[:n])
}

// verify reports whether token is a live token of purpose p issued to
// appKey, at now. The signature is checked, in constant time, before any
// field is believed.
func (s *signer) verify(p purpose, appKey, token string, now time.Time) error {
	_, err := s.expiry(p, appKey, token, now)
	return err
}

// expiry is verify that also says when the token expires.
func (s *signer) expiry(p purpose, appKey, token string, now time.Time) (time.Time, error) {
	st := s.states.Get().(*macState)
	defer s.states.Put(st)
	body, err := st.open(p, appKey, token, now)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(binary.BigEndian.Uint64(body[1:9])), 0), nil
}

// renew returns a token for the purpose, app key and subject of token,
// which must be live (as verify says), that expires at exp. Its nonce is
// new; token itself stays valid to its own expiry.
func (s *signer) renew(p purpose, appKey, token string, now, exp time.Time) (string, error) {
	st := s.states.Get().(*macState)
	defer s.states.Put(st)
	body, err := st.open(p, appKey, token, now)
	if err != nil {
		return "", err
	}
	binary.BigEndian.PutUint64(body[1:9], uint64(exp.Unix()))
	rand.Read(body[9 : 9+nonceLen])
	return st.seal(body), nil
}

// open decodes token into st.raw and returns the part before its MAC,
// once the MAC, the purpose, the app key and the expiry have been checked.
func (st *macState) open(p purpose, appKey, token string, now time.Time) ([]byte, error) {
	if len(token) > maxTokenText {
		return nil, errBadToken
	}
	n, err := base64.RawURLEncoding.Decode(st.raw[:], []byte(token))
	if err != nil || n < minTokenLen {
		return nil, errBadToken
	}
	body, mac := st.raw[:n-macLen], st.raw[n-macLen:n]
	if !hmac.Equal(mac, st.sign(st.sum[:0], body)) {
		return nil, errBadToken
	}
	keyLen := int(body[headerLen-1])
	switch {
	case purpose(body[0]) != p,
		len(body) != headerLen+keyLen+digestLen,
		string(body[headerLen:headerLen+keyLen]) != appKey,
		now.Unix() >= int64(binary.BigEndian.Uint64(body[1:9])):
		return nil, errBadToken
	}
	return body, nil
}

// sign appends the MAC of msg to dst.
func (st *macState) sign(dst, msg []byte) []byte {
	st.mac.Reset()
	st.mac.Write(tokenLabel)
	st.mac.Write(msg)
	return st.mac.Sum(dst)
}

package conformance

import "testing"

// TestProtocol checks PROTOCOL.md clause by clause.
func TestProtocol(t *testing.T) {
	t.Parallel()
	t.Run("Section11_StatusCodes", testProtocolStatusCodes)
	t.Run("Section11_StatusCodes/503_when_overloaded", test503)
	t.Run("Section1_Every_response_even_from_the_HTTP_layer", testHTTPLayerAnswers)
	t.Run("Section1_Keep-alive", testKeepAlive)
	t.Run("Section2.1_No_port_80_in_URLs", testNoPort80)
	t.Run("Section4_Namespace-aware_input", testNamespaceAwareInput)
	t.Run("Section5.1_SUBSCRIBE", testSubscribe)
	t.Run("Section5.1_SUBSCRIBE/ACL_rights", testSubscribeRights)
	t.Run("Section6_State_tokens", testStateTokens)
	t.Run("Section10_Ack_types", testAckTypes)
	t.Run("Section5.3_SUBSCRIPTIONS", testSubscriptions)
	t.Run("Section5.5_PROPPATCH", testProppatch)
	t.Run("Section5.5_PROPPATCH/Lease_expiry", testLeaseExpiry)
	t.Run("Section5.6_NOTIFY/Presence_change", testPropnotification)
	t.Run("Section5.6_NOTIFY/Instant_message", testInstantMessage)
	t.Run("Section5.4_PROPFIND", testPropfind)
	t.Run("Section5.7_ACL", testACL)
}

// TestPolling checks POLLING.md (with DECISIONS.md "Polling").
func TestPolling(t *testing.T) {
	t.Parallel()
	t.Run("Section2_Login", testPollLogin)
	t.Run("Section2_Login/PollSupport_0", testPollSupportOff)
	t.Run("Section2_Login/Mixed_logins", testMixedLogins)
	t.Run("Section3_POLL", testPoll)
	t.Run("Section3_POLL/Hold_clamp", testHoldClamp)
	t.Run("Section3_POLL/Answer_limits", testAnswerLimits)
	t.Run("Section4_Queue/Limits", testQueueLimits)
	t.Run("Section4_Queue/PollMsgLimit_0", testBufferingDisabled)
	t.Run("Section4_Queue/Dropped", testDropped)
	t.Run("Section4_Queue/Presence_coalescing", testCoalescing)
	t.Run("Section4_Queue/Durability", testDurability)
	t.Run("Section4_Queue/Sequences", testSequencesDurable)
	t.Run("Section4_Settings/Triples", testTriples)
}

// TestDecisions checks DECISIONS.md section by section.
func TestDecisions(t *testing.T) {
	t.Parallel()
	t.Run("StatusCodes", testStatusCodes)
	t.Run("Authentication", testAuthentication)
	t.Run("Subscriptions", testSubscriptionDecisions)
	t.Run("Subscriptions/Expiry", testExpiry)
	t.Run("Presence/Aggregation", testAggregation)
	t.Run("Presence/Invisible", testInvisible)
	t.Run("Addressing", testAddressing)
	t.Run("Addressing/HostName_principals", testHostNamePrincipal)
	t.Run("ACL", testACLEffects)
	t.Run("Authentication/Foreign_requests", testForeign)
}

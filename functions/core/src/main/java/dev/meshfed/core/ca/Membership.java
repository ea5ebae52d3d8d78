package dev.meshfed.core.ca;

import java.util.List;
import java.util.Optional;

/** The primary's list of member secondaries and their enrolment public keys (PEM). */
public record Membership(List<Member> members) {

    /** One member DC. */
    public record Member(String datacenter, String enrolmentKeyPem) {
    }

    public Membership {
        members = List.copyOf(members);
    }

    public Optional<Member> member(String dc) {
        return members.stream().filter(m -> m.datacenter().equals(dc)).findFirst();
    }
}

package dev.meshfed.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.store.Table;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker reports a declaration that is too narrow, too wide, in the wrong role, or outside its DC's keys. */
class PermissionCheckTest {

    private static final Deployable SIGN_CSR = Deployment.deployable("sign-csr-http");
    private static final Deployable INTENTIONS_API = Deployment.deployable("intentions-api-http");
    private static final Deployable ROTATE_TICK = Deployment.deployable("rotate-leaves-tick");
    private static final KmsUse INTERMEDIATE_DECRYPT = new KmsUse(KeyPurpose.INTERMEDIATE, KmsUse.Action.DECRYPT);

    /** What {@code d} does with everything it declares for {@code role}, in {@code dc}. */
    private static Set<Use> everything(Deployable d, DatacenterRole role, String dc) {
        Set<Use> uses = new HashSet<>();
        d.tables(role).forEach((t, as) -> as.forEach(a -> uses.add(new Use.TableCall(t, a, dc))));
        d.kms(role).forEach(k -> uses.add(new Use.KmsCall(k)));
        return uses;
    }

    private static Map<DatacenterRole, Set<Use>> everythingInBothRoles(Deployable d) {
        return Map.of(DatacenterRole.PRIMARY, everything(d, DatacenterRole.PRIMARY, "dc1"),
                DatacenterRole.SECONDARY, everything(d, DatacenterRole.SECONDARY, "dc2"));
    }

    @Test
    void usesExactlyWithinTheDeclarationPassBothWaysInEachRole() {
        for (Deployable d : Deployment.deployables()) {
            assertThat(PermissionCheck.undeclared(d, DatacenterRole.PRIMARY, "dc1",
                    everything(d, DatacenterRole.PRIMARY, "dc1"))).as(d.name()).isEmpty();
            assertThat(PermissionCheck.undeclared(d, DatacenterRole.SECONDARY, "dc2",
                    everything(d, DatacenterRole.SECONDARY, "dc2"))).as(d.name()).isEmpty();
            assertThat(PermissionCheck.unused(d, everythingInBothRoles(d), Set.of())).as(d.name()).isEmpty();
        }
    }

    @Test
    void aDeclarationWithoutATableAccessItUsesIsReported() {
        Deployable narrowed = PermissionCheck.without(PermissionCheck.without(SIGN_CSR, DatacenterRole.PRIMARY,
                Table.PRIVATE, TableAccess.WRITE_OWN_KEYS), DatacenterRole.SECONDARY, Table.PRIVATE,
                TableAccess.WRITE_OWN_KEYS);
        assertThat(PermissionCheck.undeclared(narrowed, DatacenterRole.PRIMARY, "dc1",
                everything(SIGN_CSR, DatacenterRole.PRIMARY, "dc1")))
                .containsExactly("sign-csr-http in dc1 (PRIMARY) uses WRITE_OWN_KEYS on PRIVATE without declaring it");
    }

    @Test
    void aDeclarationWithoutAKmsCallItMakesIsReported() {
        Deployable narrowed = PermissionCheck.without(PermissionCheck.without(SIGN_CSR, DatacenterRole.PRIMARY,
                INTERMEDIATE_DECRYPT), DatacenterRole.SECONDARY, INTERMEDIATE_DECRYPT);
        assertThat(narrowed.kms()).doesNotContainKey(INTERMEDIATE_DECRYPT);
        assertThat(PermissionCheck.undeclared(narrowed, DatacenterRole.SECONDARY, "dc2",
                Set.of(new Use.KmsCall(INTERMEDIATE_DECRYPT))))
                .containsExactly("sign-csr-http in dc2 (SECONDARY) calls DECRYPT INTERMEDIATE without declaring it");
    }

    @Test
    void aUseInARoleTheGrantIsNotDeployedInIsReported() {
        // a secondary forwards intention writes: its intentions-api has no write grant there
        assertThat(PermissionCheck.undeclared(INTENTIONS_API, DatacenterRole.SECONDARY, "dc2",
                Set.of(new Use.TableCall(Table.INTENTIONS, TableAccess.WRITE_OWN_KEYS, "dc2"))))
                .containsExactly("intentions-api-http in dc2 (SECONDARY) uses WRITE_OWN_KEYS on INTENTIONS, which only"
                        + " the primary's facts grant");
        Use enrolment = new Use.KmsCall(new KmsUse(KeyPurpose.ENROLMENT, KmsUse.Action.DECRYPT));
        assertThat(PermissionCheck.undeclared(ROTATE_TICK, DatacenterRole.PRIMARY, "dc1", Set.of(enrolment)))
                .containsExactly("rotate-leaves-tick in dc1 (PRIMARY) calls DECRYPT ENROLMENT, which only the"
                        + " secondaries' facts grant");
        // the same grant narrowed to one role: a use in the other is reported
        Deployable primaryOnly = PermissionCheck.without(SIGN_CSR, DatacenterRole.SECONDARY, INTERMEDIATE_DECRYPT);
        assertThat(PermissionCheck.undeclared(primaryOnly, DatacenterRole.SECONDARY, "dc2",
                Set.of(new Use.KmsCall(INTERMEDIATE_DECRYPT))))
                .containsExactly("sign-csr-http in dc2 (SECONDARY) calls DECRYPT INTERMEDIATE, which only the"
                        + " primary's facts grant");
    }

    @Test
    void aGrantNothingUsedInARoleIsReportedForThatRoleUnlessNamedAsKnown() {
        Map<DatacenterRole, Set<Use>> uses = new java.util.EnumMap<>(everythingInBothRoles(SIGN_CSR));
        Set<Use> secondary = new HashSet<>(uses.get(DatacenterRole.SECONDARY));
        secondary.remove(new Use.TableCall(Table.INTENTIONS, TableAccess.READ, "dc2"));
        uses.put(DatacenterRole.SECONDARY, secondary);
        assertThat(PermissionCheck.unused(SIGN_CSR, uses, Set.of()))
                .containsExactly("sign-csr-http READ INTENTIONS in SECONDARY is declared but never used there");
        assertThat(PermissionCheck.unused(SIGN_CSR, uses, Set.of("sign-csr-http READ INTENTIONS in SECONDARY")))
                .isEmpty();
    }

    @Test
    void aGrantForBothRolesUsedInOnlyOneIsReportedForTheOther() {
        // as if intentions-api wrote intentions in both roles: the secondary never does
        Map<DatacenterRole, Set<Use>> uses = everythingInBothRoles(INTENTIONS_API);
        Deployable both = new Deployable(INTENTIONS_API.function(), INTENTIONS_API.trigger(),
                INTENTIONS_API.memoryMb(), INTENTIONS_API.timeout(), INTENTIONS_API.reservedConcurrency(),
                Map.of(Table.CA, Map.of(TableAccess.READ, Roles.BOTH),
                        Table.INTENTIONS, Map.of(TableAccess.READ, Roles.BOTH, TableAccess.WRITE_OWN_KEYS, Roles.BOTH),
                        Table.PRIVATE, INTENTIONS_API.tables().get(Table.PRIVATE)), INTENTIONS_API.kms());
        assertThat(PermissionCheck.unused(both, uses, Set.of()))
                .containsExactly("intentions-api-http WRITE_OWN_KEYS INTENTIONS in SECONDARY is declared but never used there");
    }

    @Test
    void aWriteOfAnotherDatacentersKeyIsReportedThoughTheTableIsDeclared() {
        assertThat(PermissionCheck.undeclared(SIGN_CSR, DatacenterRole.SECONDARY, "dc2",
                Set.of(new Use.TableCall(Table.PRIVATE, TableAccess.WRITE_OWN_KEYS, "dc1"))))
                .containsExactly("sign-csr-http in dc2 (SECONDARY) writes a key of dc1 in PRIVATE: dynamodb:LeadingKeys allows only dc2#*");
        // reads of other DCs' items are what READ allows (a secondary reads the primary's bundle)
        assertThat(PermissionCheck.undeclared(SIGN_CSR, DatacenterRole.SECONDARY, "dc2",
                Set.of(new Use.TableCall(Table.CA, TableAccess.READ, "dc1")))).isEmpty();
    }

    @Test
    void aRootPurposeCallIsAllowedOnlyInThePrimaryAndOnlyUsedThere() {
        Use rootDecrypt = new Use.KmsCall(new KmsUse(KeyPurpose.ROOT, KmsUse.Action.DECRYPT));
        assertThat(PermissionCheck.undeclared(ROTATE_TICK, DatacenterRole.PRIMARY, "dc1", Set.of(rootDecrypt))).isEmpty();
        assertThat(PermissionCheck.undeclared(ROTATE_TICK, DatacenterRole.SECONDARY, "dc2", Set.of(rootDecrypt)))
                .containsExactly("rotate-leaves-tick in dc2 (SECONDARY) calls DECRYPT ROOT, which only the primary's facts grant");
        // a root-purpose grant used nowhere but a secondary is not a use of the primary's grant
        assertThat(PermissionCheck.unused(ROTATE_TICK, Map.of(DatacenterRole.SECONDARY, Set.of(rootDecrypt)), Set.of()))
                .contains("rotate-leaves-tick DECRYPT ROOT in PRIMARY is declared but never used there");
        // and a declaration cannot grant a root-purpose call to a secondary at all
        Map<KmsUse, Roles> kms = new java.util.HashMap<>(ROTATE_TICK.kms());
        kms.put(new KmsUse(KeyPurpose.ROOT, KmsUse.Action.DECRYPT), Roles.BOTH);
        assertThatThrownBy(() -> new Deployable(ROTATE_TICK.function(), ROTATE_TICK.trigger(), ROTATE_TICK.memoryMb(),
                ROTATE_TICK.timeout(), ROTATE_TICK.reservedConcurrency(), ROTATE_TICK.tables(), kms))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only in the primary");
    }
}

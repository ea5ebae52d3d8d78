package dev.meshfed.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.store.Table;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker reports a declaration that is too narrow, too wide, or outside its DC's keys. */
class PermissionCheckTest {

    private static final Deployable SIGN_CSR = Deployment.deployable("sign-csr-http");
    private static final Deployable ROTATE_TICK = Deployment.deployable("rotate-leaves-tick");

    /** What sign-csr-http does with everything it declares, in dc1. */
    private static Set<Use> everythingSignCsrDeclares() {
        Set<Use> uses = new HashSet<>();
        SIGN_CSR.tables().forEach((t, as) -> as.forEach(a -> uses.add(new Use.TableCall(t, a, "dc1"))));
        SIGN_CSR.kms().forEach(k -> uses.add(new Use.KmsCall(k)));
        return uses;
    }

    /** {@code d} with {@code access} on {@code table} taken away. */
    private static Deployable without(Deployable d, Table table, TableAccess access) {
        Map<Table, Set<TableAccess>> tables = new EnumMap<>(Table.class);
        d.tables().forEach((t, as) -> tables.put(t, new HashSet<>(as)));
        tables.get(table).remove(access);
        return new Deployable(d.function(), d.trigger(), d.memoryMb(), d.timeout(), d.reservedConcurrency(), tables,
                d.kms());
    }

    @Test
    void usesExactlyWithinTheDeclarationPassBothWays() {
        Set<Use> uses = everythingSignCsrDeclares();
        assertThat(PermissionCheck.undeclared(SIGN_CSR, DatacenterRole.PRIMARY, "dc1", uses)).isEmpty();
        assertThat(PermissionCheck.unused(SIGN_CSR, Map.of(DatacenterRole.PRIMARY, uses), Set.of())).isEmpty();
    }

    @Test
    void aDeclarationWithoutATableAccessItUsesIsReported() {
        Deployable narrowed = without(SIGN_CSR, Table.PRIVATE, TableAccess.WRITE_OWN_KEYS);
        assertThat(PermissionCheck.undeclared(narrowed, DatacenterRole.PRIMARY, "dc1", everythingSignCsrDeclares()))
                .containsExactly("sign-csr-http in dc1 (PRIMARY) uses WRITE_OWN_KEYS on PRIVATE without declaring it");
    }

    @Test
    void aDeclarationWithoutAKmsCallItMakesIsReported() {
        Set<KmsUse> kms = new HashSet<>(SIGN_CSR.kms());
        kms.remove(new KmsUse(KeyPurpose.INTERMEDIATE, KmsUse.Action.DECRYPT));
        Deployable narrowed = new Deployable(SIGN_CSR.function(), SIGN_CSR.trigger(), SIGN_CSR.memoryMb(),
                SIGN_CSR.timeout(), SIGN_CSR.reservedConcurrency(), SIGN_CSR.tables(), kms);
        assertThat(PermissionCheck.undeclared(narrowed, DatacenterRole.SECONDARY, "dc2", Set.of(
                new Use.KmsCall(new KmsUse(KeyPurpose.INTERMEDIATE, KmsUse.Action.DECRYPT)))))
                .containsExactly("sign-csr-http in dc2 (SECONDARY) calls DECRYPT INTERMEDIATE without declaring it");
    }

    @Test
    void aGrantNothingUsedIsReportedUnlessNamedAsKnown() {
        Set<Use> uses = everythingSignCsrDeclares();
        uses.remove(new Use.TableCall(Table.INTENTIONS, TableAccess.READ, "dc1"));
        assertThat(PermissionCheck.unused(SIGN_CSR, Map.of(DatacenterRole.SECONDARY, uses), Set.of()))
                .containsExactly("sign-csr-http READ INTENTIONS is declared but never used");
        assertThat(PermissionCheck.unused(SIGN_CSR, Map.of(DatacenterRole.SECONDARY, uses),
                Set.of("sign-csr-http READ INTENTIONS"))).isEmpty();
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
                .contains("rotate-leaves-tick DECRYPT ROOT is declared but never used");
    }
}

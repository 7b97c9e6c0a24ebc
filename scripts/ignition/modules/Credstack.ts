import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the credstack registry (accreditation + credentials, one address), and the stacking
 * registry bound to it (pathways and awards), with the deploying
 * account as governance admin, and grants the ACCREDITOR role to the `accreditor` parameter (by
 * default the deploying account). The admin role changes hands only in two steps, after
 * `adminDelay` seconds (OpenZeppelin AccessControlDefaultAdminRules; default 3 days): on a
 * production chain, `beginDefaultAdminTransfer(multisig)` and have the multisig accept it.
 *
 *   npx hardhat ignition deploy scripts/ignition/modules/Credstack.ts --network localhost \
 *     --parameters '{"Credstack":{"accreditor":"0x…","adminDelay":259200}}'
 */
export default buildModule("Credstack", (m) => {
  const deployer = m.getAccount(0);
  const accreditor = m.getParameter("accreditor", deployer);
  const adminDelay = m.getParameter("adminDelay", 3 * 24 * 60 * 60);

  const registry = m.contract("CredentialRegistry", [adminDelay, deployer], { from: deployer });
  const accreditorRole = m.staticCall(registry, "ACCREDITOR_ROLE", []);
  m.call(registry, "grantRole", [accreditorRole, accreditor], { from: deployer });
  const stacking = m.contract("StackingRegistry", [registry], { from: deployer });

  return { registry, stacking };
});

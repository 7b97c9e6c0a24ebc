import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the credstack registry (accreditation + credentials, one address) with the deploying
 * account as governance admin, and grants the ACCREDITOR role to the `accreditor` parameter (by
 * default the deploying account). On a production chain, hand governance over afterwards: grant
 * DEFAULT_ADMIN_ROLE to the governance multisig and renounce it from the deployer.
 *
 *   npx hardhat ignition deploy scripts/ignition/modules/Credstack.ts --network localhost \
 *     --parameters '{"Credstack":{"accreditor":"0x…"}}'
 */
export default buildModule("Credstack", (m) => {
  const deployer = m.getAccount(0);
  const accreditor = m.getParameter("accreditor", deployer);

  const registry = m.contract("CredentialRegistry", [deployer], { from: deployer });
  const accreditorRole = m.staticCall(registry, "ACCREDITOR_ROLE", []);
  m.call(registry, "grantRole", [accreditorRole, accreditor], { from: deployer });

  return { registry };
});

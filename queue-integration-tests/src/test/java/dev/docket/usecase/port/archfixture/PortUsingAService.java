package dev.docket.usecase.port.archfixture;

import dev.docket.usecase.archfixture.FixtureService;

/** A port type that depends on a use-case service: the port must see only the domain. */
public interface PortUsingAService {

  FixtureService service();
}

/** The gateway as its own process: `node --import tsx runtime/gateway-main.ts`. */
import { startGateway } from './gateway';

await startGateway();

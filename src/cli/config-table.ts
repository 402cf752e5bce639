/** Prints the README's configuration table (paste it between the config-table markers). */
import { configTable } from '../config/config-table';

console.log(configTable());

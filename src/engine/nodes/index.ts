/** Importing this module registers every node type. */
import './ask';
import './branch';
import './message';
import './recommend';
import './rendezvous';
import './handoff';
import './journey';
import './end';

// A tiny web app for the demo: answers every request with a greeting.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 3000);
createServer((_req, res) => {
  res.end(`${process.env.GREETING ?? 'hello'} from node-app\n`);
}).listen(port, () => console.log(`listening on ${port}`));

/** Hostile tar shards for tests: a valid archive whose first member's header lies about its size. */
import { tarArchive } from "../../lib/demo/tarWriter";

/** The checksum is fixed, so only the size lies; the member is an image with a json naming `uid`. */
export function lyingTar(claimed: number, image: Buffer, uid: string): Buffer {
  const tar = tarArchive([{ name: "k.png", data: image }, { name: "k.json", data: Buffer.from(JSON.stringify({ uid })) }]);
  tar.write(claimed.toString(8).padStart(11, "0") + "\0", 124, "latin1");
  tar.write("        ", 148, "latin1");
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[i];
  tar.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
  return tar;
}

/**
 * dcg packs for disks, volumes and permissions (dcg `system.disk`, `system.permissions`). rm, dd,
 * mkfs, wipefs, partitioners, the LVM remove commands and recursive chmod/chown of system
 * directories are judged by fileVerdict in ../destructive.ts, which knows the paths; these tables
 * add RAID, btrfs, device-mapper, mount and permission changes that are dangerous wherever they point.
 */
import type { Pack } from '../packs.js';

export const SYSTEM_PACKS: Pack[] = [
  {
    id: 'system.disk (mdadm)',
    tools: ['mdadm'],
    safe: [String.raw`.*--(detail|examine|query)\b`],
    deny: [
      [String.raw`.*(--zero-superblock|--create|-C)\b`, 'critical'],
      [String.raw`.*(--stop|-S|--remove|--fail|-f|--grow)\b`, 'high'],
    ],
  },
  {
    id: 'system.disk (btrfs)',
    tools: ['btrfs'],
    safe: [String.raw`(subvolume (list|show)|filesystem (show|df|usage)|device stats|property (get|list)|scrub status)\b`],
    deny: [
      [String.raw`(subvolume delete|check .*--repair\b|rescue)`, 'critical'],
      [String.raw`(device (remove|delete|add)|balance start|filesystem resize)`, 'high'],
    ],
  },
  {
    id: 'system.disk (dmsetup)',
    tools: ['dmsetup'],
    safe: [String.raw`(ls|status|info|table|deps)\b`],
    deny: [
      [String.raw`(remove_all|wipe_table)`, 'critical'],
      [String.raw`(remove|clear|load|create)`, 'high'],
    ],
  },
  {
    id: 'system.disk (nbd-client)',
    tools: ['nbd-client'],
    safe: [String.raw`.*(^|\s)(-l|-check)\b`],
    deny: [[String.raw`.*(^|\s)(-d\b|\d+ /dev/nbd)`, 'medium']],
  },
  {
    id: 'system.disk (mounts)',
    tools: ['mount', 'umount', 'losetup'],
    deny: [
      [String.raw`.*--bind\b.*\s/(\s|$)`, 'high'],
      [String.raw`.*(^|\s)-[a-z]*f\b`, 'medium'],
      [String.raw`/dev/loop\S*`, 'medium'],
    ],
  },
  {
    id: 'system.disk (lvm)',
    tools: ['vgreduce', 'lvreduce', 'pvmove'],
    deny: [['.*', 'high']],
  },
  {
    id: 'system.disk (lvm shrink)',
    tools: ['lvresize', 'lvconvert'],
    deny: [[String.raw`.*(--merge\b|(^|\s)(-L\s*-|-l\s*-|--size(=|\s+)-))`, 'high']],
  },
  {
    id: 'system.permissions',
    tools: ['chmod'],
    deny: [
      // World-writable files and set-id bits open a system to other users; recursive changes of
      // system directories are judged by fileVerdict, which knows the paths.
      [String.raw`(.*\s)?["'=]?0*777(["'\s]|$)`, 'medium'],
      [String.raw`(.*\s)?([ugoa]*[ug]\+[rwxXt]*s|0*[2-7]\d{3})(\s|$)`, 'medium'],
    ],
  },
];

import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';

/** A labelled drop-down filter, as a grid item; its value is always one of its options'. */
export function FilterSelect<T extends string>(props: {
  label: string;
  value: T;
  options: ReadonlyArray<readonly [value: T, label: string]>;
  onChange: (value: T) => void;
}) {
  const id = `${props.label.toLowerCase().replace(/\W+/g, '-')}-label`;
  return (
    <Grid item>
      <FormControl style={{ minWidth: 150 }}>
        <InputLabel id={id}>{props.label}</InputLabel>
        <Select
          labelId={id}
          value={props.value}
          onChange={e => props.onChange(e.target.value as T)}
        >
          {props.options.map(([value, label]) => (
            <MenuItem key={value} value={value}>
              {label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
    </Grid>
  );
}
